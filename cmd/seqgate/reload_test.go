package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const reloadBase = `
listen: { http: "127.0.0.1:0", admin: "127.0.0.1:0" }
repository: REPO
lifecycle: { drain_delay: 0s }
apis:
  - { provider: admin, name: Stay, version: 1.0.0, context: /stay, auth: none, backend: [ "BACKEND" ] }
`

// TestConfigReload: the config file is watched and reloaded on SIGHUP; an
// API is added, changed and removed, a tenant is added with its sequences;
// a bad config keeps the running one and is reported with file:line.
func TestConfigReload(t *testing.T) {
	backend, _ := startBackend(t, 0)
	r := startServer(t, reloadBase+`  - { provider: admin, name: Old, version: 1.0.0, context: /old, auth: none, backend: [ "BACKEND" ] }
`, map[string]string{"new_in.xml": seqXML("admin--New:v1.0.0--In", `<header name="X-Req-Added" scope="transport" value="new-seq"/>`)}, backend)
	status := func(path string) int { return do(t, r.traffic, "GET", path, "").StatusCode() }
	generation := func() (int, string) {
		_, body := r.get("/admin/config")
		var st struct {
			Generation int    `json:"generation"`
			LastError  string `json:"last_error"`
		}
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatalf("admin config: %v: %s", err, body)
		}
		return st.Generation, st.LastError
	}
	acme := filepath.Join(r.root, "repository", "tenants", "7", "synapse-configs", "default", "sequences", "in.xml")
	writeFile(t, acme, seqXML("admin--Acme:v1.0.0--In", `<header name="X-Req-Added" scope="transport" value="acme-seq"/>`))

	steps := []struct {
		name   string
		yaml   string
		sighup bool
		gen    int
		err    string         // in last_error, "" when the reload applies
		want   map[string]int // path -> status
		saw    map[string]string
	}{
		{name: "start", gen: 1, want: map[string]int{"/stay/1.0.0/a": 200, "/old/1.0.0/a": 200, "/new/1.0.0/a": 404}},
		{name: "add New, remove Old (file watch)", gen: 2,
			yaml: reloadBase + `  - { provider: admin, name: New, version: 1.0.0, context: /new, auth: none, backend: [ "BACKEND/v1" ] }
`,
			want: map[string]int{"/stay/1.0.0/a": 200, "/old/1.0.0/a": 404, "/new/1.0.0/a": 200},
			saw:  map[string]string{"/new/1.0.0/a": `"path":"/v1/a"`}},
		{name: "bad backend URL is refused with file:line", gen: 2, err: ":7: apis[1] (admin--New:vv1.0.0): backend[0]",
			yaml: reloadBase + `  - { provider: admin, name: New, version: v1.0.0, context: /new, auth: none, backend: [ "ftp://x" ] }
`,
			want: map[string]int{"/new/1.0.0/a": 200}},
		{name: "change New's backend, add a tenant", gen: 3,
			yaml: reloadBase + `  - { provider: admin, name: New, version: 1.0.0, context: /new, auth: none, backend: [ "BACKEND/v2" ] }
  - { provider: admin, name: Acme, version: 1.0.0, context: /acme, auth: none, tenant: acme.com, backend: [ "BACKEND" ] }
tenants: [ { id: 7, domain: acme.com } ]
`,
			want: map[string]int{"/new/1.0.0/a": 200, "/t/acme.com/acme/1.0.0/a": 200},
			saw:  map[string]string{"/new/1.0.0/a": `"path":"/v2/a"`}},
		{name: "SIGHUP reloads", gen: 4, sighup: true, want: map[string]int{"/t/acme.com/acme/1.0.0/a": 200}},
	}
	for _, st := range steps {
		if st.yaml != "" {
			r.writeConfig(st.yaml, backend)
		}
		if st.sighup {
			r.sigs <- syscall.SIGHUP
		}
		eventually(t, st.name+": generation", func() bool {
			g, e := generation()
			return g == st.gen && (st.err == "" || strings.Contains(e, st.err))
		})
		if st.err != "" {
			if _, e := generation(); !strings.Contains(e, r.cfgPath+st.err) {
				t.Errorf("%s: last_error %q, want %q", st.name, e, r.cfgPath+st.err)
			}
		}
		for path, want := range st.want {
			if got := status(path); got != want {
				t.Errorf("%s: %s answered %d, want %d", st.name, path, got, want)
			}
		}
		for path, want := range st.saw {
			if body := string(do(t, r.traffic, "GET", path, "").Body()); !strings.Contains(body, want) {
				t.Errorf("%s: %s body %s, want %s", st.name, path, body, want)
			}
		}
	}
	if got := string(do(t, r.traffic, "GET", "/t/acme.com/acme/1.0.0/a", "").Header.Peek("X-Saw-Req-Added")); got != "acme-seq" {
		t.Errorf("the added tenant's sequence did not run: backend saw %q", got)
	}
	if got := string(do(t, r.traffic, "GET", "/new/1.0.0/a", "").Header.Peek("X-Saw-Req-Added")); got != "new-seq" {
		t.Errorf("New's sequence did not run: backend saw %q", got)
	}
}
