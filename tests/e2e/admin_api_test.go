package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// adminDo sends one admin request (XML body when body is not empty).
func (g *gateway) adminDo(method, path, body string) (int, http.Header, string) {
	g.t.Helper()
	req, err := http.NewRequest(method, g.admin+path, strings.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/xml")
	}
	r, err := g.client.Do(req)
	if err != nil {
		g.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	return r.StatusCode, r.Header, string(b)
}

// TestAdminJSONAnswers: the admin API's own 404 and 405 are JSON like its
// other errors; one sequence's XML reads back with GET; an upload's answer
// leaves out error and warnings when there are none; an upload's compile
// error names the file in the tenant's folder, not the server's path.
func TestAdminJSONAnswers(t *testing.T) {
	t.Parallel()
	g := startGateway(t, gwConfig{})
	jsonError := func(what string, st int, h http.Header, body string, wantStatus int) {
		t.Helper()
		var e map[string]any
		if st != wantStatus || !strings.HasPrefix(h.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(body), &e) != nil || e["error"] == "" || len(e) != 1 {
			t.Errorf("%s: %d %s %q; want %d and a JSON {\"error\": ...}", what, st, h.Get("Content-Type"), body, wantStatus)
		}
	}
	st, h, body := g.adminDo("GET", "/admin/no/such/route", "")
	jsonError("unknown path", st, h, body, http.StatusNotFound)
	st, h, body = g.adminDo("DELETE", "/admin/sequences", "")
	jsonError("wrong method", st, h, body, http.StatusMethodNotAllowed)
	if !strings.Contains(h.Get("Allow"), "GET") {
		t.Errorf("405 without its Allow header: %v", h)
	}

	if st, _, body := g.adminDo("GET", "/admin/config", ""); st != http.StatusOK || strings.Contains(body, `"last_error"`) {
		t.Errorf("/admin/config with no refused reload: %d %s; want no last_error field", st, body)
	}

	const name = "admin--Orders:v1.0.0--In"
	url := "/admin/tenants/carbon.super/sequences/" + name
	xml := seq(name, setHeader("X-A", "1"))
	st, _, body = g.adminDo("PUT", url, xml)
	var up map[string]any
	if st != http.StatusCreated || json.Unmarshal([]byte(body), &up) != nil || up["state"] != "active" {
		t.Fatalf("upload: %d %s", st, body)
	}
	if _, ok := up["error"]; ok {
		t.Errorf("upload answer carries an empty error: %s", body)
	}
	if _, ok := up["warnings"]; ok {
		t.Errorf("upload answer carries null warnings: %s", body)
	}
	st, h, body = g.adminDo("GET", url, "")
	if st != http.StatusOK || body != xml || h.Get("Content-Type") != "application/xml" ||
		h.Get("X-Seqgate-File") != name+".xml" || h.Get("X-Seqgate-State") != "active" {
		t.Errorf("GET the sequence back: %d %v\n%s\nwant 200 and the uploaded XML", st, h, body)
	}
	st, h, body = g.adminDo("GET", "/admin/tenants/carbon.super/sequences/admin--Nothing:v1--In", "")
	jsonError("GET of a sequence no file defines", st, h, body, http.StatusNotFound)

	st, _, body = g.adminDo("PUT", url, seq(name, "<propery name=\"x\" value=\"1\"/>"))
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, name+".xml:") || strings.Contains(body, g.superDir) ||
		strings.Contains(body, "/tmp/") {
		t.Errorf("invalid upload: %d %s\nwant 422 naming %s.xml, not the server's path %s", st, body, name, g.superDir)
	}
}
