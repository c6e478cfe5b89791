package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The generated tenants are t<n>.bench with id n; each has one declared API
// (admin@t<n>.bench / Svc / 1.0.0 at /t/t<n>.bench/svc/1.0.0/) reached with
// the key key-<n>, and seqsPerTenant sequence files: the two globals, the
// API's In and Out, and per-API sequences of APIs not declared (deployed
// but never run, as for unpublished APIs) plus unreferenced named ones.
const (
	apiName    = "Svc"
	apiVersion = "1.0.0"
	genHeader  = "X-Gen" // set by the measured API's Out sequence; rewritten by the change test
)

func tenantDomain(n int) string { return fmt.Sprintf("t%d.bench", n) }

func apiSynapseName(n int) string {
	return fmt.Sprintf("admin-AT-%s--%s:v%s", tenantDomain(n), apiName, apiVersion)
}

// requestPath is the measured API's URL path on tenant n.
func requestPath(n int) string {
	return fmt.Sprintf("/t/%s/svc/%s/items", tenantDomain(n), apiVersion)
}

func apiKey(n int) string { return fmt.Sprintf("key-%d", n) }

// seqDir is tenant n's sequences folder under root.
func seqDir(root string, n int) string {
	return filepath.Join(root, "repository", "tenants", fmt.Sprint(n), "synapse-configs", "default", "sequences")
}

// outFile is the file the change test rewrites: the API's Out sequence.
func outFile(root string, n int) string { return filepath.Join(seqDir(root, n), "api_out.xml") }

// fiveMediators is the body of repo-chain's sequences: property with an
// expression, header from a property, filter with a regex on a header,
// switch, log at an enabled level. p keeps property names apart.
func fiveMediators(p string) string {
	return strings.NewReplacer("P", p).Replace(`    <property name="P.app" expression="get-property('api.ut.application.name')"/>
    <header name="X-P" scope="transport" expression="$ctx:P.app"/>
    <filter source="$trp:Content-Type" regex="application/.*">
        <then><property name="P.json" value="true"/></then>
        <else><property name="P.json" value="false"/></else>
    </filter>
    <switch source="$ctx:api.ut.HTTP_METHOD">
        <case regex="GET"><property name="P.read" value="yes"/></case>
        <default><property name="P.read" value="no"/></default>
    </switch>
    <log level="custom"><property name="P" expression="$ctx:P.read"/></log>
`)
}

func sequenceXML(name, body string) string {
	return `<sequence xmlns="http://ws.apache.org/ns/synapse" name="` + name + `">` + "\n" + body + "</sequence>\n"
}

// apiOutXML is the measured Out sequence: five mediators, then X-Gen: gen.
func apiOutXML(n, gen int) string {
	return sequenceXML(apiSynapseName(n)+"--Out", fiveMediators("ao")+
		fmt.Sprintf("    <header name=%q scope=\"transport\" value=\"%d\"/>\n", genHeader, gen))
}

// tenantFiles are tenant n's sequence files, by file name.
func tenantFiles(n int) map[string]string {
	api := apiSynapseName(n)
	files := map[string]string{
		"global_in.xml":  sequenceXML("WSO2AM--Ext--In", fiveMediators("gi")),
		"global_out.xml": sequenceXML("WSO2AM--Ext--Out", fiveMediators("go")),
		"api_in.xml":     sequenceXML(api+"--In", fiveMediators("ai")),
		"api_out.xml":    apiOutXML(n, 0),
	}
	for _, other := range []string{"Legacy", "Beta"} {
		o := fmt.Sprintf("admin-AT-%s--%s:v2", tenantDomain(n), other)
		files[strings.ToLower(other)+"_in.xml"] = sequenceXML(o+"--In", fiveMediators("oi"))
		files[strings.ToLower(other)+"_out.xml"] = sequenceXML(o+"--Out", fiveMediators("oo"))
	}
	files["audit.xml"] = sequenceXML("audit", fiveMediators("au"))
	files["enrich.xml"] = sequenceXML("enrich", fiveMediators("en"))
	return files
}

const seqsPerTenant = 10

// generate writes a repository of the given tenants under root and the
// config at root/seqgate.yaml; it returns the config path.
func generate(root string, tenants []int, listen, admin, backend, logLevel string, events bool) (string, error) {
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "listen: { http: %q, admin: %q }\nrepository: %s\nlog: { level: %s }\nusage: { events: %t }\nlifecycle: { drain_delay: 0s }\n",
		listen, admin, root, logLevel, events)
	var ts, apps, apis strings.Builder
	for _, n := range tenants {
		for name, content := range tenantFiles(n) {
			if err := writeFile(filepath.Join(seqDir(root, n), name), content); err != nil {
				return "", err
			}
		}
		d := tenantDomain(n)
		fmt.Fprintf(&ts, "  - { id: %d, domain: %s }\n", n, d)
		fmt.Fprintf(&apps, "  - { name: App%d, tenant: %s, keys: [ %s ] }\n", n, d, apiKey(n))
		fmt.Fprintf(&apis, "  - { provider: \"admin@%s\", name: %s, version: %s, context: /svc, tenant: %s, backend: [ %q ] }\n",
			d, apiName, apiVersion, d, backend)
	}
	cfg.WriteString("tenants:\n" + ts.String() + "applications:\n" + apps.String() + "apis:\n" + apis.String())
	path := filepath.Join(root, "seqgate.yaml")
	return path, writeFile(path, cfg.String())
}

func writeFile(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

// replaceFile writes content next to path and renames it over path, the
// way editors and config tools save (deliberately not atomicfile.Write: the
// visible .tmp is what the watcher must cope with).
func replaceFile(path, content string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
