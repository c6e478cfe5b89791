package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/seqgate/seqgate/handlers/admin"
)

const adminAPIYAML = `
listen: { http: "127.0.0.1:0", admin: "ADMIN" ADMIN_TOKEN}
lifecycle: { drain_delay: 0s }
repository: REPO
tenants: [ { id: 1, domain: acme.com } ]
apis:
  - { provider: admin, name: Open, version: 1.0.0, context: /open, auth: none, backend: [ "BACKEND" ] }
`

func startAdminAPI(t *testing.T, admin, token string) *running {
	t.Helper()
	backend, _ := startBackend(t, 0)
	yml := strings.Replace(adminAPIYAML, "ADMIN", admin, 1)
	tok := ""
	if token != "" {
		tok = ", admin_token: " + token + " "
	}
	return startServer(t, strings.Replace(yml, " ADMIN_TOKEN", tok, 1), nil, backend)
}

// send is one admin request; hdr are name, value pairs.
func (r *running) send(method, path, body string, hdr ...string) (int, string) {
	r.t.Helper()
	req, err := http.NewRequest(method, r.admin+path, strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

type spec struct {
	Paths map[string]map[string]yaml.Node `yaml:"paths"`
}

type operation struct {
	Responses map[string]any `yaml:"responses"`
}

// TestAdminOpenAPI checks handlers/admin/openapi.yaml against the real
// admin handler: every documented path and method answers one of its
// documented statuses (so the mux routes it), and every mounted pattern is
// documented.
func TestAdminOpenAPI(t *testing.T) {
	r := startAdminAPI(t, "127.0.0.1:0", "")
	var doc spec
	if err := yaml.Unmarshal(admin.OpenAPI, &doc); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if st, body := r.get("/admin/openapi.yaml"); st != 200 || body != string(admin.OpenAPI) {
		t.Errorf("GET /admin/openapi.yaml: %d, %d bytes", st, len(body))
	}
	bodies := map[string]string{
		"PUT /admin/tenants/{tenant}/sequences/{name}": seqXML("spec_check", `<log/>`),
		"POST /admin/dry-run":                          `{"method":"GET","path":"/open/1.0.0/x"}`,
	}
	query := map[string]string{"/debug/pprof/profile": "?seconds=1", "/debug/pprof/trace": "?seconds=0.1",
		"/admin/throttle": "?api=Open&version=1.0.0"}
	vars := strings.NewReplacer("{tenant}", "carbon.super", "{name}", "spec_check", "{id}", "nope")
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, node := range ops {
			if method == "parameters" {
				continue
			}
			var op operation
			if err := node.Decode(&op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			key := strings.ToUpper(method) + " " + path
			documented[key] = true
			st, body := r.send(strings.ToUpper(method), vars.Replace(path)+query[path], bodies[key])
			if _, ok := op.Responses[strconv.Itoa(st)]; !ok {
				t.Errorf("%s: status %d is not documented (%s)", key, st, strings.TrimSpace(body))
			}
		}
	}
	for _, p := range r.srv.adminHandler(admin.Handler(r.srv.rt.Repo(), r.srv.rt.Registry())).Patterns() {
		p = strings.TrimSuffix(p, "{$}") // GET /{$}: the path / alone
		if !strings.Contains(p, " ") {
			p = "GET " + p // a pattern without a method: documented as its GET
		}
		if !documented[p] {
			t.Errorf("mounted route %q is not in openapi.yaml", p)
		}
	}
}

func TestAdminSequenceUpload(t *testing.T) {
	r := startAdminAPI(t, "127.0.0.1:0", "")
	const name = "admin--Open:v1.0.0--In"
	url := "/admin/tenants/carbon.super/sequences/" + name
	stamp := func(v string) string {
		return seqXML(name, `<header name="X-Req-Added" scope="transport" value="`+v+`"/>`)
	}
	saw := func() string {
		return string(do(t, r.traffic, "GET", "/open/1.0.0/x", "").Header.Peek("X-Saw-Req-Added"))
	}
	file := filepath.Join(r.root, superSeqDir, name+".xml")
	listing := func() []string {
		ents, _ := os.ReadDir(filepath.Join(r.root, superSeqDir))
		var out []string
		for _, e := range ents {
			out = append(out, e.Name())
		}
		return out
	}

	if st, body := r.send("PUT", url, stamp("v1")); st != 201 || !strings.Contains(body, `"serving": true`) {
		t.Fatalf("upload: %d %s", st, body)
	}
	if got := saw(); got != "v1" {
		t.Errorf("after upload the backend saw %q, want v1", got)
	}
	if st, body := r.send("PUT", url, stamp("v2")); st != 200 || !strings.Contains(body, `"replaced"`) {
		t.Fatalf("replace: %d %s", st, body)
	}
	if got := saw(); got != "v2" {
		t.Errorf("after replace the backend saw %q, want v2", got)
	}
	before, _ := os.ReadFile(file)
	invalid := []struct {
		name, url, body string
		status          int
		want            string
	}{
		{"unknown mediator", url, seqXML(name, "\n<nosuch/>"), 422, name + ".xml:2: <nosuch>"},
		{"name differs", url, seqXML("other", "<log/>"), 422, "does not match the URL"},
		{"not xml", url, "{", 422, name + ".xml"},
		{"too large", url, strings.Repeat("x", admin.MaxUploadBytes+1), 413, "larger than"},
		{"traversal in name", "/admin/tenants/carbon.super/sequences/..%2F..%2Fevil", seqXML("x", ""), 400, "sequence name"},
		{"hidden name", "/admin/tenants/carbon.super/sequences/.hidden", seqXML(".hidden", ""), 400, "sequence name"},
		{"traversal in tenant", "/admin/tenants/..%2F..%2Fetc/sequences/x", seqXML("x", ""), 404, "unknown tenant"},
		{"unknown tenant", "/admin/tenants/nope.com/sequences/x", seqXML("x", ""), 404, "unknown tenant"},
	}
	for _, tc := range invalid {
		st, body := r.send("PUT", tc.url, tc.body)
		if st != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want %d with %q", tc.name, st, body, tc.status, tc.want)
		}
	}
	if after, _ := os.ReadFile(file); string(after) != string(before) {
		t.Error("a refused upload changed the file")
	}
	if got := listing(); !slices.Equal(got, []string{name + ".xml"}) {
		t.Errorf("sequences folder after refused uploads: %v", got)
	}
	if got := saw(); got != "v2" {
		t.Errorf("after refused uploads the backend saw %q, want v2", got)
	}
	if st, body := r.get("/admin/tenants/carbon.super/sequences"); st != 200 || !strings.Contains(body, `"state": "active"`) {
		t.Errorf("list: %d %s", st, body)
	}
	if st, body := r.get("/admin/tenants"); st != 200 || !strings.Contains(body, `"acme.com"`) || !strings.Contains(body, `"active": 1`) {
		t.Errorf("tenants: %d %s", st, body)
	}
	if st, body := r.get("/admin/apis"); st != 200 || !strings.Contains(body, name+`.xml"`) {
		t.Errorf("apis: %d %s", st, body)
	}
	if st, body := r.send("DELETE", url, ""); st != 200 || !strings.Contains(body, `"serving": false`) {
		t.Fatalf("delete: %d %s", st, body)
	}
	if got := saw(); got != "" {
		t.Errorf("after delete the backend saw %q, want nothing", got)
	}
	if st, _ := r.send("DELETE", url, ""); st != 404 {
		t.Errorf("second delete: %d, want 404", st)
	}
}

// TestAdminTokenOffLoopback: the new endpoints sit behind the admin token
// like the others when the admin listener is not loopback.
func TestAdminTokenOffLoopback(t *testing.T) {
	r := startAdminAPI(t, "0.0.0.0:0", "s3cret-admin-token-0123")
	r.admin = strings.Replace(r.admin, "0.0.0.0", "127.0.0.1", 1)
	if st, _ := r.send("GET", "/admin/tenants", ""); st != 401 {
		t.Errorf("without token: %d, want 401", st)
	}
	if st, _ := r.send("PUT", "/admin/tenants/carbon.super/sequences/x", seqXML("x", "")); st != 401 {
		t.Errorf("upload without token: %d, want 401", st)
	}
	if st, _ := r.send("GET", "/admin/tenants", "", "Authorization", "Bearer s3cret-admin-token-0123"); st != 200 {
		t.Errorf("with token: %d, want 200", st)
	}
}
