package bundle

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAdminAPI drives the routes over real HTTP and checks each status
// and body the README documents.
func TestAdminAPI(t *testing.T) {
	f := newFixture(t, "default", Limits{MaxZipBytes: 64 << 10})
	mux := http.NewServeMux()
	f.m.Routes(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	steps := []struct {
		name, method, path string
		body               []byte
		status             int
		want               string
	}{
		{"upload", "POST", "/admin/bundles", simple(t, "b"), 201, `"state": "staged"`},
		{"upload again", "POST", "/admin/bundles", simple(t, "b"), 409, "bundle already installed"},
		{"bad bundle", "POST", "/admin/bundles", []byte("nope"), 400, "not a zip archive"},
		{"oversized", "POST", "/admin/bundles", bytes.Repeat([]byte("x"), 70<<10), 413, "over the 65536-byte limit"},
		{"upload as text/plain", "POST", "/admin/bundles", simple(t, "c"), 415, "application/zip"},
		{"list", "GET", "/admin/bundles", nil, 200, `"group": "default"`},
		{"get", "GET", "/admin/bundles/b", nil, 200, `"name": "bLater"`},
		{"get unknown", "GET", "/admin/bundles/zz", nil, 404, "no such bundle"},
		{"activate", "POST", "/admin/bundles/b/activate", nil, 200, `"state": "active"`},
		{"delete", "DELETE", "/admin/bundles/b", nil, 200, `"name": "b"`},
		{"delete again", "DELETE", "/admin/bundles/b", nil, 404, "no such bundle"},
		{"list empty", "GET", "/admin/bundles", nil, 200, `"bundles": []`},
	}
	for _, s := range steps {
		req, _ := http.NewRequest(s.method, srv.URL+s.path, bytes.NewReader(s.body))
		if s.body != nil {
			req.Header.Set("Content-Type", "application/zip")
			if strings.Contains(s.name, "text/plain") {
				req.Header.Set("Content-Type", "text/plain")
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != s.status || !strings.Contains(string(body), s.want) {
			t.Fatalf("%s: %d %s, want %d with %q", s.name, resp.StatusCode, body, s.status, s.want)
		}
		if !json.Valid(body) {
			t.Fatalf("%s: body is not JSON: %s", s.name, body)
		}
	}
}
