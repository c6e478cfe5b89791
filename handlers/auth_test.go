package handlers

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAuth(t *testing.T) {
	f := newFixture(t)
	auth, err := NewAuth(f.cfg, AuthOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, uri string
		headers   []string
		pass      bool
		code      string // error code when refused
		app       string // application name when passed with a key
	}{
		{"missing", "/orders/v1/1", nil, false, "900902", ""},
		{"invalid", "/orders/v1/1", []string{"apikey", "nope"}, false, "900901", ""},
		{"empty bearer", "/orders/v1/1", []string{"Authorization", "Bearer "}, false, "900902", ""},
		{"basic is not a key", "/orders/v1/1", []string{"Authorization", "Basic key-super-1"}, false, "900902", ""},
		{"other tenant's key", "/orders/v1/1", []string{"apikey", "key-abc"}, false, "900901", ""},
		{"apikey header", "/orders/v1/1", []string{"apikey", "key-super-1"}, true, "", "App1"},
		{"bearer", "/orders/v1/1", []string{"Authorization", "bearer  key-fast"}, true, "", "Fast"},
		{"tenant key", "/t/abc.com/stock/1.0.0/q", []string{"apikey", "key-abc"}, true, "", "TenantApp"},
		{"open resource", "/orders/v1/public/x", nil, true, "", ""},
		{"open api", "/open/v1/anything", []string{"apikey", "garbage"}, true, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := f.exchange(t, "GET", tc.uri, tc.headers...)
			if got := auth.HandleRequest(ex); got != tc.pass {
				t.Fatalf("HandleRequest = %v, want %v (body %s)", got, tc.pass, ex.MC.Resp.Body())
			}
			if !tc.pass {
				var body struct{ Code string }
				if err := json.Unmarshal(ex.MC.Resp.Body(), &body); err != nil || body.Code != tc.code || ex.MC.Resp.StatusCode() != 401 {
					t.Errorf("status %d body %s, want 401 code %s", ex.MC.Resp.StatusCode(), ex.MC.Resp.Body(), tc.code)
				}
				if strings.Contains(string(ex.MC.Resp.Body()), "nope") {
					t.Error("the key is echoed")
				}
				return
			}
			if tc.app == "" {
				if ex.App != nil {
					t.Errorf("App set to %s on an open resource", ex.App.Name)
				}
				return
			}
			if ex.App == nil || ex.App.Name != tc.app {
				t.Fatalf("App = %v, want %s", ex.App, tc.app)
			}
			if h := ex.MC.Req.Header.Peek("apikey"); h != nil {
				t.Errorf("apikey header forwarded: %q", h)
			}
			if h := ex.MC.Req.Header.Peek("Authorization"); h != nil {
				t.Errorf("Authorization header forwarded: %q", h)
			}
		})
	}
}

func TestAuthProperties(t *testing.T) {
	f := newFixture(t)
	auth, _ := NewAuth(f.cfg, AuthOptions{})
	ex := f.exchange(t, "POST", "/orders/v1/42?x=1", "apikey", "key-super-1")
	if !auth.HandleRequest(ex) {
		t.Fatal("refused")
	}
	want := map[string]string{
		"api.ut.consumerKey": "ck-1", "api.ut.application.name": "App1", "api.ut.application.id": "app-1",
		"api.ut.userId": "alice", "api.ut.api": "Orders", "api.ut.version": "v1", "api.ut.api_version": "v1",
		"api.ut.context": "/orders", "api.ut.resource": "/42?x=1", "api.ut.HTTP_METHOD": "POST",
		"api.ut.apiPublisher": "admin", "APPLICATION_NAME": "App1", "END_USER_NAME": "alice",
	}
	for k, v := range want {
		if got, _ := ex.MC.Props.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

func TestNewAuthRefusesDuplicateKeys(t *testing.T) {
	f := newFixture(t)
	f.cfg.Applications[1].Keys = append(f.cfg.Applications[1].Keys, "key-super-1")
	if _, err := NewAuth(f.cfg, AuthOptions{}); err == nil || strings.Contains(err.Error(), "key-super-1") {
		t.Errorf("got %v; want an error that does not print the key", err)
	}
}

func BenchmarkAuth(b *testing.B) {
	f := newFixture(b)
	auth, _ := NewAuth(f.cfg, AuthOptions{})
	ex := f.exchange(b, "GET", "/orders/v1/42", "apikey", "key-super-1")
	method, uri := []byte("GET"), []byte("/orders/v1/42")
	b.ReportAllocs()
	for b.Loop() {
		f.reuse(ex, method, uri)
		ex.MC.Req.Header.Set("apikey", "key-super-1")
		if !auth.HandleRequest(ex) {
			b.Fatal("refused")
		}
	}
}
