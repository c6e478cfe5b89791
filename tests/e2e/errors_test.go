package e2e

import (
	"strconv"
	"strings"
	"testing"
)

// TestGatewayAnswers covers the answers the gateway gives by itself: auth
// failures, unauthenticated resources, unknown API, wrong method, body too
// large.
func TestGatewayAnswers(t *testing.T) {
	t.Parallel()
	g := startGateway(t, gwConfig{MaxBody: 4096})
	big := strings.Repeat("x", 8192)
	cases := []struct {
		name, method, path string
		hdr                map[string]string
		body               string
		wantStatus         int
		wantCode           string // JSON "code[:message]"; "" skips
		wantBackend        bool
	}{
		{"missing key", "GET", "/orders/1.0.0/1", nil, "", 401, "900902:Missing Credentials", false},
		{"bad key", "GET", "/orders/1.0.0/1", withKey("no-such-key"), "", 401, "900901", false},
		{"bad bearer", "GET", "/orders/1.0.0/1", map[string]string{"Authorization": "Bearer no-such-key"}, "", 401, "900901", false},
		{"apikey header", "GET", "/orders/1.0.0/1", withKey(keyApp1), "", 200, "", true},
		{"bearer", "GET", "/orders/1.0.0/1", map[string]string{"Authorization": "Bearer " + keyApp1}, "", 200, "", true},
		{"unauthenticated resource", "GET", "/orders/1.0.0/public/info", nil, "", 200, "", true},
		{"unknown API", "GET", "/nothing/1.0.0/1", withKey(keyApp1), "", 404, "404:No matching resource found", false},
		{"unknown version", "GET", "/orders/9.9.9/1", withKey(keyApp1), "", 404, "404", false},
		{"wrong method", "DELETE", "/orders/1.0.0/1", withKey(keyApp1), "", 405, "", false},
		{"body over limit", "POST", "/orders/1.0.0/x", withKey(keyApp1), big, 413, "", false},
		{"body at limit", "POST", "/orders/1.0.0/x", withKey(keyApp1), big[:4096], 200, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := g.doReq(c.method, c.path, c.hdr, c.body)
			if r.Status != c.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", r.Status, c.wantStatus, r.Body)
			}
			if _, reached := g.backend.byID(r.ID); reached != c.wantBackend {
				t.Errorf("backend reached = %v, want %v", reached, c.wantBackend)
			}
			if c.wantStatus >= 400 && c.wantStatus != 413 {
				checkJSONError(t, r, c.wantCode)
			}
		})
	}
}

// checkJSONError asserts an error answer is a JSON object with a message
// (and the given code, when one is given as "code" or "code:message").
func checkJSONError(t *testing.T, r resp, code string) {
	t.Helper()
	code, msg, _ := strings.Cut(code, ":")
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	m := r.json(t)
	if code != "" && m["code"] != code {
		t.Errorf("code = %v, want %q (body %s)", m["code"], code, r.Body)
	}
	if s, _ := m["message"].(string); s == "" || msg != "" && s != msg {
		t.Errorf("message = %q, want %q (body %s)", s, msg, r.Body)
	}
}

// TestThrottling: tier Tiny allows 3 requests a minute per application;
// the 4th gets 429 with Retry-After. Requests refused by auth do not use
// the quota, and another application still has its own.
func TestThrottling(t *testing.T) {
	t.Parallel()
	limited := api("Limited", "/limited")
	limited.Tier = "Tiny"
	g := startGateway(t, gwConfig{APIs: []apiDef{limited}})
	path := "/limited/1.0.0/1"
	steps := []struct {
		name       string
		hdr        map[string]string
		wantStatus int
	}{
		{"unauthenticated 1", nil, 401},
		{"bad key", withKey("no-such-key"), 401},
		{"unauthenticated 2", nil, 401},
		{"app1 #1", withKey(keyApp1), 200},
		{"app1 #2", withKey(keyApp1), 200},
		{"app1 #3", withKey(keyApp1), 200},
		{"app1 #4 over quota", withKey(keyApp1), 429},
		{"app1 #5 still over quota", withKey(keyApp1), 429},
		{"app2 has its own quota", withKey(keyApp2), 200},
	}
	for _, s := range steps {
		r := g.doReq("GET", path, s.hdr, "")
		if r.Status != s.wantStatus {
			t.Fatalf("%s: status = %d, want %d; body %s", s.name, r.Status, s.wantStatus, r.Body)
		}
		if s.wantStatus != 429 {
			continue
		}
		ra, err := strconv.Atoi(r.Header.Get("Retry-After"))
		if err != nil || ra < 1 || ra > 60 {
			t.Errorf("%s: Retry-After = %q, want seconds in 1..60", s.name, r.Header.Get("Retry-After"))
		}
		checkJSONError(t, r, "900800")
		if _, reached := g.backend.byID(r.ID); reached {
			t.Errorf("%s: throttled request reached the backend", s.name)
		}
	}
}
