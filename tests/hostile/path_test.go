package hostile

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// TestPathTricks: dot segments, encoded slashes and backslashes, control
// characters and tenant domains that are not domain names are refused or
// not found; none reaches a backend or another tenant's API. Routing never
// maps a path to a file, so no answer can come from outside the repository.
func TestPathTricks(t *testing.T) {
	g := startGateway(t, "")
	cases := []struct {
		name, path string
		want       int
	}{
		{"dot dot", "/echo/v1/../v1/x", 400},
		{"encoded dot dot", "/echo/v1/%2e%2e/v1/x", 400},
		{"mixed case encoded dot", "/echo/v1/.%2E/x", 400},
		{"single dot", "/echo/v1/./x", 400},
		{"encoded slash", "/echo/v1/a%2Fb", 400},
		{"encoded slash traversal", "/echo/v1/..%2F..%2Fsecret/v1", 400},
		{"encoded backslash traversal", "/echo/v1/..%5C..%5Cx", 400},
		{"raw backslash", "/echo/v1/..\\..\\x", 400},
		{"tenant traversal", "/t/..%2F..%2Fetc/x", 400},
		{"tenant dot dot", "/t/acme.com/../../echo/v1/x", 400},
		{"tenant is dot dot", "/t/../echo/v1/x", 400},
		{"encoded nul", "/echo/v1/a%00.xml", 400},
		{"encoded crlf", "/echo/v1/a%0d%0aX-Injected:%201", 400},
		{"tenant domain upper case", "/t/ACME.com/secret/v1/x", 404},
		{"tenant domain not a domain", "/t/acme.com%00/secret/v1/x", 400},
		{"tenant domain with port", "/t/acme.com:80/secret/v1/x", 404},
		{"super tenant API under a tenant", "/t/acme.com/echo/v1/x", 404},
		{"tenant API without tenant", "/secret/v1/x", 404},
		{"empty tenant", "/t//secret/v1/x", 404},
		{"double slash", "//echo/v1/x", 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := g.hits.Load()
			r := send(t, g.traffic, req("GET", c.path, "Connection: close"), 2*time.Second)
			if r.status != c.want {
				t.Errorf("status %d, want %d; body %q", r.status, c.want, r.body)
			}
			if n := g.hits.Load() - before; n != 0 {
				t.Errorf("the backend received %d request(s)", n)
			}
		})
	}
	t.Run("raw NUL in the request line", func(t *testing.T) {
		r := send(t, g.traffic, "GET /echo/v1/a\x00b HTTP/1.1\r\nHost: x\r\n\r\n", 2*time.Second)
		if r.status != 400 || !r.closed {
			t.Errorf("status %d closed %v, want 400 and closed", r.status, r.closed)
		}
	})
	t.Run("tenant API still served", func(t *testing.T) {
		r := send(t, g.traffic, req("GET", "/t/acme.com/secret/v1/x", "Connection: close"), 2*time.Second)
		if r.status != 200 || r.body != "backend saw /secret/x" {
			t.Errorf("status %d body %q", r.status, r.body)
		}
	})
	g.bounded()
}

// TestPathBypassOfProtectedResource: on an API whose /admin/* resource
// needs a key (or a scope) while /* is open, no spelling of /admin reaches
// a backend that normalises paths leniently (decode, merge slashes as
// nginx does, drop ';' parameters as Tomcat does) without the credential: the gateway refuses it (400), asks for the
// credential (401/403), or forwards a path that is not /admin there.
func TestPathBypassOfProtectedResource(t *testing.T) {
	be := startRecorder(t)
	hash, err := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	g := startSpec(t, spec{extra: apisThen([]string{
		fmt.Sprintf(`{provider: admin, name: Split, version: 1.0.0, context: /split, auth: none, backend: [%q], resources: [{uri_template: "/admin/*", auth: apikey}, {uri_template: "/*"}]}`, be.url),
		fmt.Sprintf(`{provider: admin, name: Scoped, version: 1.0.0, context: /scoped, auth: basic, backend: [%q], resources: [{uri_template: "/admin/*", scopes: [admin]}, {uri_template: "/*"}]}`, be.url),
	}, fmt.Sprintf("applications: [{name: App, keys: [key-1]}]\nsecurity: {basic: {users: [{name: reader, password_hash: %q, scopes: [read]}, {name: boss, password_hash: %q, scopes: [admin]}]}}",
		hash, hash))})
	basic := func(user string) string {
		return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(user+":pw"))
	}
	variants := []string{"/admin/users", "//admin/users", "///admin/users", "/admin//users", "/admin;x=1/users",
		"/admin%3bx/users", "/admin%3Bx/users", "/admin;/users", "/ADMIN/users", "/%41dmin/users", "/%61dmin/users",
		"/%61%64%6d%69%6e/users", "/admin%2Fusers", "/./admin/users", "/x/../admin/users"}
	for _, api := range []struct{ prefix, cred string }{{"/split/1.0.0", ""}, {"/scoped/1.0.0", basic("reader")}} {
		for _, v := range variants {
			t.Run(api.prefix+v, func(t *testing.T) {
				n := be.count()
				hdr := []string{"Connection: close"}
				if api.cred != "" {
					hdr = append(hdr, api.cred)
				}
				r := send(t, g.traffic, req("GET", api.prefix+v, hdr...), 5*time.Second)
				got := be.since(n)
				switch r.status {
				case 400, 401, 403:
					if len(got) != 0 {
						t.Errorf("status %d, yet the backend received %q", r.status, got[0].target)
					}
				case 200:
					if len(got) != 1 {
						t.Fatalf("200 with %d backend requests", len(got))
					}
					if p := lenientPath(got[0].target); p == "/admin" || strings.HasPrefix(p, "/admin/") {
						t.Errorf("reached the backend without the credential: raw %q, served as %q", got[0].target, p)
					}
				default:
					t.Errorf("status %d; body %q", r.status, r.body)
				}
			})
		}
	}
	t.Run("with the credential /admin is served", func(t *testing.T) {
		for path, cred := range map[string]string{"/split/1.0.0/admin/users": "apikey: key-1", "/scoped/1.0.0/%61dmin/users": basic("boss")} {
			n := be.count()
			r := send(t, g.traffic, req("GET", path, "Connection: close", cred), 5*time.Second)
			if got := be.since(n); r.status != 200 || len(got) != 1 || got[0].target != "/admin/users" {
				t.Errorf("%s: status %d, backend got %v; want 200 and /admin/users", path, r.status, got)
			}
		}
	})
	g.bounded()
}
