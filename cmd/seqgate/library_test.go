package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const libraryConfig = `
listen: { http: "127.0.0.1:0", admin: "127.0.0.1:0" }
repository: REPO
lifecycle: { drain_delay: 0s }
tenants: [ { id: 7, domain: acme.com } ]
apis:
  - { provider: admin, name: A, version: 1.0.0, context: /a, auth: none, backend: [ "BACKEND" ], fault_on_5xx: true,
      mediation: { in: add_header, out: stamp, fault: json_fault } }
  - { provider: admin, name: B, version: 1.0.0, context: /b, auth: none, backend: [ "BACKEND" ],
      mediation: { in: MEDIATION_B } }
  - { provider: bob@acme.com, name: T, version: 1.0.0, context: /tapi, auth: none, tenant: acme.com, backend: [ "BACKEND" ],
      mediation: { in: add_header } }
`

// libFile is a file of a tenant's custom sequence library.
func libFile(root, tenant, flow, name string) string {
	base := filepath.Join(root, "repository", "deployment", "server")
	if tenant != "" {
		base = filepath.Join(root, "repository", "tenants", tenant)
	}
	return filepath.Join(base, "synapse-configs", "default", "customsequences", flow, name)
}

func addHeader(name, value string) string {
	return seqXML(name, `<header name="X-Req-Added" scope="transport" value="`+value+`"/>`)
}

// TestCustomSequenceLibrary: APIs name library sequences in the config and
// run them under their per-API names, on real files and real HTTP: the in,
// out and fault flows; a library change reaches every API using it; each
// tenant has its own library; a config reload switches an API to another
// library sequence; the admin status lists who uses what.
func TestCustomSequenceLibrary(t *testing.T) {
	backend, _ := startBackend(t, 0)
	root := t.TempDir()
	writeFile(t, libFile(root, "", "in", "add_header.xml"), addHeader("add_header", "lib-v1"))
	writeFile(t, libFile(root, "", "in", "other.xml"), addHeader("other", "other-v1"))
	writeFile(t, libFile(root, "", "out", "stamp.xml"), seqXML("stamp", `<header name="X-Stamp" scope="transport" value="lib-out"/>`))
	writeFile(t, libFile(root, "", "fault", "json_fault.xml"), seqXML("json_fault",
		`<payloadFactory media-type="json"><format>{"lib":"fault","code":"$1"}</format><args><arg expression="$ctx:ERROR_CODE"/></args></payloadFactory>`))
	writeFile(t, libFile(root, "7", "in", "add_header.xml"), addHeader("add_header", "acme-lib"))
	r := startServerIn(t, root, strings.Replace(libraryConfig, "MEDIATION_B", "add_header", 1), backend)
	eventually(t, "repository ready", r.srv.rt.Repo().Ready)
	saw := func(path string) string {
		return string(do(t, r.traffic, "GET", path, "").Header.Peek("X-Saw-Req-Added"))
	}

	for path, want := range map[string]string{"/a/1.0.0/x": "lib-v1", "/b/1.0.0/x": "lib-v1", "/t/acme.com/tapi/1.0.0/x": "acme-lib"} {
		if got := saw(path); got != want {
			t.Errorf("%s: backend saw %q, want %q", path, got, want)
		}
	}
	if resp := do(t, r.traffic, "GET", "/a/1.0.0/x", ""); string(resp.Header.Peek("X-Stamp")) != "lib-out" {
		t.Errorf("out flow: X-Stamp %q, want lib-out", resp.Header.Peek("X-Stamp"))
	}
	if resp := do(t, r.traffic, "GET", "/b/1.0.0/x", ""); len(resp.Header.Peek("X-Stamp")) != 0 {
		t.Error("B does not use the out library sequence, yet it ran")
	}
	if resp := do(t, r.traffic, "GET", "/a/1.0.0/boom", ""); resp.StatusCode() != 503 || string(resp.Body()) != `{"lib":"fault","code":"503"}` {
		t.Errorf("fault flow: %d %s, want 503 from the library's json_fault", resp.StatusCode(), resp.Body())
	}

	// One library change redeploys both APIs using it, not the tenant's.
	writeFile(t, libFile(root, "", "in", "add_header.xml"), addHeader("add_header", "lib-v2"))
	eventually(t, "A and B run lib-v2", func() bool { return saw("/a/1.0.0/x") == "lib-v2" && saw("/b/1.0.0/x") == "lib-v2" })
	if got := saw("/t/acme.com/tapi/1.0.0/x"); got != "acme-lib" {
		t.Errorf("the super tenant's library reached acme.com: %q", got)
	}

	// A config reload switches B to another library sequence; A stays.
	r.writeConfig(strings.Replace(libraryConfig, "MEDIATION_B", "other", 1), backend)
	eventually(t, "B runs other", func() bool { return saw("/b/1.0.0/x") == "other-v1" })
	if got := saw("/a/1.0.0/x"); got != "lib-v2" {
		t.Errorf("A after the reload: %q", got)
	}

	// A missing library sequence: the API serves without it, the status says why.
	r.writeConfig(strings.Replace(libraryConfig, "MEDIATION_B", "nosuch", 1), backend)
	eventually(t, "B runs without a sequence", func() bool { return saw("/b/1.0.0/x") == "" })
	if st := do(t, r.traffic, "GET", "/b/1.0.0/x", "").StatusCode(); st != 200 {
		t.Errorf("B answered %d without its library sequence, want 200", st)
	}
	lib := adminLibrary(t, r, "carbon.super")
	uses := map[string]string{}
	for _, u := range lib.Uses {
		uses[u.Sequence] = u.State + " " + u.Error
	}
	if got := uses["admin--B:v1.0.0--In"]; !strings.HasPrefix(got, `missing library sequence "nosuch" not found in customsequences/in`) {
		t.Errorf("B's use in the admin status: %q", got)
	}
	if got := uses["admin--A:v1.0.0--Fault"]; got != "active " {
		t.Errorf("A's fault use: %q", got)
	}
	users := map[string]string{}
	for _, s := range lib.Sequences {
		users[s.Flow+"/"+s.Name] = strings.Join(s.UsedBy, ",")
	}
	if users["in/add_header"] != "admin--A:v1.0.0" || users["in/other"] != "" || users["out/stamp"] != "admin--A:v1.0.0" {
		t.Errorf("library sequences and their users: %v", users)
	}
	writeFile(t, libFile(root, "", "in", "nosuch.xml"), addHeader("nosuch", "found"))
	eventually(t, "B resolved once the file appears", func() bool { return saw("/b/1.0.0/x") == "found" })
	if err := os.Remove(libFile(root, "", "in", "nosuch.xml")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "B without it again", func() bool { return saw("/b/1.0.0/x") == "" })
}

// libraryStatus is the part of /admin/sequences this test reads.
type libraryStatus struct {
	Sequences []struct {
		Flow, Name string
		UsedBy     []string `json:"used_by"`
	} `json:"sequences"`
	Uses []struct {
		Sequence, State, Error string
	} `json:"uses"`
}

func adminLibrary(t *testing.T, r *running, domain string) libraryStatus {
	t.Helper()
	code, body := r.get("/admin/sequences")
	var st struct {
		Tenants []struct {
			Domain  string        `json:"domain"`
			Library libraryStatus `json:"library"`
		} `json:"tenants"`
	}
	if err := json.Unmarshal([]byte(body), &st); code != 200 || err != nil {
		t.Fatalf("admin sequences: %d %v: %s", code, err, body)
	}
	for _, ts := range st.Tenants {
		if ts.Domain == domain {
			return ts.Library
		}
	}
	t.Fatalf("no tenant %s in %s", domain, body)
	return libraryStatus{}
}
