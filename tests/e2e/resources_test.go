package e2e

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// resourceDirs returns the super tenant's local-entries folder and its
// registry's governance folder (<home>/registry/governance).
func resourceDirs(g *gateway) (localEntries, governance string) {
	conf := filepath.Dir(g.superDir) // synapse-configs/default
	home := filepath.Join(conf, "..", "..", "..", "..", "..")
	return filepath.Join(conf, "local-entries"), filepath.Join(home, "registry", "governance")
}

func writeResource(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, content)
}

func leFile(key, body string) string {
	return `<localEntry xmlns="http://ws.apache.org/ns/synapse" key="` + key + `">` + body + "</localEntry>\n"
}

// TestLocalEntriesAndRegistry serves real traffic through a sequence whose
// payloadFactory format and endpoint come from local entries and whose
// called sequence is a gov:/ registry resource, and a conf:/ text resource
// is read with get-property('registry', …); a changed local entry takes
// effect without touching the sequence; an unresolved key is refused at
// deploy with file:line.
func TestLocalEntriesAndRegistry(t *testing.T) {
	t.Parallel()
	g := startGateway(t, gwConfig{})
	le, gov := resourceDirs(g)
	writeResource(t, filepath.Join(le, "format.xml"), leFile("order_format", `{"greeting": "$1", "v": 1}`))
	writeResource(t, filepath.Join(le, "backend.xml"), leFile("order_backend",
		`<endpoint><address uri="`+g.backend.url()+`/from-local-entry"/></endpoint>`))
	writeResource(t, filepath.Join(gov, "sequences", "mark.xml"),
		`<sequence xmlns="http://ws.apache.org/ns/synapse">`+setHeader("X-From-Registry", "yes")+`</sequence>`)
	conf := filepath.Join(filepath.Dir(gov), "config")
	writeResource(t, filepath.Join(conf, "limits", "max.txt"), "42")
	writeSeq(t, g.superDir, "global_in.xml", seq("WSO2AM--Ext--In",
		`<sequence key="gov:/sequences/mark.xml"/>`,
		setHeaderExpr("X-Limit", "get-property('registry', 'conf:/limits/max.txt')"),
		`<payloadFactory media-type="json"><format key="order_format"/><args><arg value="hello"/></args></payloadFactory>`,
		`<send><endpoint key="order_backend"/></send>`))

	probe := func() (recReq, bool) {
		r := g.doReq("POST", "/orders/1.0.0/1", withKey(keyApp1), `{"in": 1}`)
		if r.Status != http.StatusOK {
			return recReq{}, false
		}
		return g.backend.byID(r.ID)
	}
	var got recReq
	waitFor(t, "the sequence built from resources is served", 5*time.Second, func() bool {
		var ok bool
		got, ok = probe()
		return ok && strings.HasPrefix(got.Path, "/from-local-entry")
	})
	if got.Header.Get("X-From-Registry") != "yes" {
		t.Errorf("backend headers %v: the gov:/ sequence did not run", got.Header)
	}
	if got.Header.Get("X-Limit") != "42" {
		t.Errorf("X-Limit = %q, want 42 from get-property('registry', 'conf:/limits/max.txt')", got.Header.Get("X-Limit"))
	}
	if b := string(got.Body); !strings.Contains(b, `"greeting": "hello"`) || !strings.Contains(b, `"v": 1`) {
		t.Errorf("backend body %q, want the local entry's format filled in", b)
	}

	// A changed local entry redeploys the sequence using it.
	writeResource(t, filepath.Join(le, "format.xml"), leFile("order_format", `{"greeting": "$1", "v": 2}`))
	waitFor(t, "the changed format is served", 5*time.Second, func() bool {
		got, ok := probe()
		return ok && strings.Contains(string(got.Body), `"v": 2`)
	})

	// get-property('registry') reads the current resource per request.
	writeResource(t, filepath.Join(conf, "limits", "max.txt"), "43")
	waitFor(t, "the changed registry text is read", 5*time.Second, func() bool {
		got, ok := probe()
		return ok && got.Header.Get("X-Limit") == "43"
	})

	// The admin upload compiles with the same resources as deploy.
	for _, tc := range []struct {
		key  string
		want int
	}{{"gov:/sequences/mark.xml", http.StatusCreated}, {"gov:/nothing.xml", http.StatusUnprocessableEntity}} {
		req, err := http.NewRequest("PUT", g.admin+"/admin/tenants/carbon.super/sequences/uploaded",
			strings.NewReader(seq("uploaded", `<sequence key="`+tc.key+`"/>`)))
		if err != nil {
			t.Fatal(err)
		}
		r, err := g.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != tc.want {
			t.Errorf("PUT a sequence using %s: %d %s, want %d", tc.key, r.StatusCode, body, tc.want)
		}
	}

	// An unresolved key refuses the file at deploy time, naming key and line.
	writeSeq(t, g.superDir, "bad.xml", seq("other", `<sequence key="gov:/missing.xml"/>`))
	checkRefused(t, g, "bad.xml", regexp.MustCompile(`bad\.xml:3: <sequence>: key=\\?"gov:/missing\.xml\\?": no registry resource`))
	if got, ok := probe(); !ok || !strings.Contains(string(got.Body), `"v": 2`) {
		t.Errorf("a refused file disturbed serving: %+v", got)
	}
}

// TestValidateHome: `seqgate validate <home>` checks a WSO2 home the way
// the gateway deploys it: keys resolve against each tenant's local entries
// and registry, and every refused file (sequence, local entry, registry
// resource) is reported with file:line.
func TestValidateHome(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	conf := filepath.Join(home, "repository", "deployment", "server", "synapse-configs", "default")
	t1 := filepath.Join(home, "repository", "tenants", "1", "synapse-configs", "default")
	writeResource(t, filepath.Join(conf, "local-entries", "fmt.xml"), leFile("fmt", `{"a": "$1"}`))
	writeResource(t, filepath.Join(conf, "local-entries", "bad.xml"), `<localEntry key="x" src="http://example.com/x"/>`)
	writeResource(t, filepath.Join(home, "registry", "governance", "s.xml"),
		`<sequence xmlns="http://ws.apache.org/ns/synapse">`+setHeader("X-A", "1")+`</sequence>`)
	writeResource(t, filepath.Join(conf, "sequences", "ok.xml"), seq("ok",
		`<sequence key="gov:/s.xml"/>`,
		`<payloadFactory media-type="json"><format key="fmt"/><args><arg value="1"/></args></payloadFactory>`))
	writeResource(t, filepath.Join(t1, "sequences", "t1.xml"), seq("t1", `<sequence key="gov:/s.xml"/>`)) // tenant 1 has no such resource
	code, stdout, stderr := runCLI(t, "validate", home)
	if code != 1 {
		t.Errorf("exit code %d, want 1; stderr:\n%s", code, stderr)
	}
	for _, re := range []string{
		`(?m)^.*local-entries/bad\.xml:1: <localEntry>: src="http://example\.com/x": only a file inside the repository is read`,
		`(?m)^.*tenants/1/synapse-configs/default/sequences/t1\.xml:3: <sequence>: key="gov:/s\.xml": no registry resource`,
	} {
		if !regexp.MustCompile(re).MatchString(stderr) {
			t.Errorf("stderr has no line matching %q:\n%s", re, stderr)
		}
	}
	if strings.Contains(stderr, "ok.xml") {
		t.Errorf("stderr mentions ok.xml, whose keys resolve:\n%s", stderr)
	}
	if want := "5 files, 3 valid, 2 refused"; !strings.Contains(stdout, want) {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
}
