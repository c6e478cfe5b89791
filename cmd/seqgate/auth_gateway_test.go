package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/valyala/fasthttp"
	"golang.org/x/crypto/bcrypt"
)

// recordingBackend answers 200 and keeps the credential-related headers
// of the last request it got.
type recordingBackend struct {
	url  string
	mu   sync.Mutex
	last map[string]string
	hits atomic.Int64
}

func startRecordingBackend(t *testing.T) *recordingBackend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &recordingBackend{url: "http://" + ln.Addr().String()}
	s := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		b.hits.Add(1)
		got := map[string]string{}
		for _, h := range []string{"Authorization", "apikey", "X-JWT-Assertion", "X-User"} {
			got[h] = string(ctx.Request.Header.Peek(h))
		}
		b.mu.Lock()
		b.last = got
		b.mu.Unlock()
		ctx.SetBodyString(`{"ok":true}`)
	}}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Shutdown() })
	return b
}

func (b *recordingBackend) header(name string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last[name]
}

// introspection is an RFC 7662 endpoint on 127.0.0.1 that knows one
// active token and counts every call.
func startIntrospection(t *testing.T, active string) (string, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if id, secret, _ := r.BasicAuth(); id != "gw" || secret != "gw-secret" {
			http.Error(w, "bad client", http.StatusUnauthorized)
			return
		}
		a := map[string]any{"active": false}
		if r.PostFormValue("token") == active {
			a = map[string]any{"active": true, "sub": "opaque-user", "client_id": "ck-1", "scope": "read"}
		}
		_ = json.NewEncoder(w).Encode(a)
	}))
	t.Cleanup(s.Close)
	return s.URL, &calls
}

const authGatewayConfig = `
listen: { http: "127.0.0.1:0", admin: off }
repository: REPO
lifecycle: { drain_delay: 0s }
security:
  jwt:
    leeway: 5s
    issuers:
      - { issuer: "https://idp.test", jwks_url: "JWKS", audiences: [gateway] }
  introspection: { url: "INTROSPECT", client_id: gw, client_secret: gw-secret }
  basic: { users: [ { name: ann, password_hash: "HASH", scopes: [read] } ] }
  backend_jwt: { enabled: true, key_file: GWKEY }
applications:
  - { name: App1, id: a1, consumer_key: ck-1, user: alice, keys: [ key-1 ] }
  - { name: Narrow, consumer_key: ck-narrow, keys: [ key-narrow ], subscriptions: [ { api: Other } ] }
apis:
  - provider: admin
    name: Orders
    version: 1.0.0
    context: /orders
    auth: "oauth2, apikey, basic"
    backend: [ "BACKEND" ]
    resources:
      - { uri_template: /admin/*, scopes: [admin] }
      - { uri_template: /* }
  - { provider: admin, name: Other, version: 1.0.0, context: /other, backend: [ "BACKEND" ] }
`

// authGateway starts the gateway of authGatewayConfig with a JWKS IdP
// (RSA and EC keys), an introspection endpoint and a recording backend.
type authGateway struct {
	r       *running
	idp     *idp
	rsa, ec idpKey
	gwKey   idpKey
	backend *recordingBackend
	icalls  *atomic.Int64
}

func startAuthGateway(t *testing.T, seqs map[string]string) *authGateway {
	t.Helper()
	g := &authGateway{rsa: newIdPKey(t, "rsa-1", true), ec: newIdPKey(t, "ec-1", false), gwKey: newIdPKey(t, "gw", false)}
	g.idp = startIdP(t, g.rsa, g.ec)
	g.backend = startRecordingBackend(t)
	var introURL string
	introURL, g.icalls = startIntrospection(t, "opaque-good")
	root := t.TempDir()
	hash, _ := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	y := strings.NewReplacer("JWKS", g.idp.URL, "INTROSPECT", introURL, "HASH", string(hash),
		"GWKEY", g.gwKey.WritePrivatePEM(t, root)).Replace(authGatewayConfig)
	g.r = startServerIn(t, root, y, g.backend.url, seqs)
	return g
}

func (g *authGateway) token(t *testing.T, k idpKey, kv ...any) string {
	c := jwt.MapClaims{"iss": "https://idp.test", "aud": "gateway", "sub": "tok-user", "azp": "ck-1", "scope": "read admin"}
	for i := 0; i+1 < len(kv); i += 2 {
		c[kv[i].(string)] = kv[i+1]
	}
	return "Bearer " + signExp(t, k, c)
}

// TestGatewayAuthMethods: each method end to end over real HTTP, with the
// answer's status and WSO2 code, and what the backend received.
func TestGatewayAuthMethods(t *testing.T) {
	g := startAuthGateway(t, map[string]string{
		"orders_in.xml": seqXML("admin--Orders:v1.0.0--In", `<header name="X-User" scope="transport" expression="$ctx:api.ut.userId"/>`),
	})
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("ann:pw"))
	cases := []struct {
		name, path string
		hdr        []string
		status     int
		code       string // WSO2 code of a refusal
		user       string // X-User the backend saw
	}{
		{"rs256 token from the jwks", "/orders/1.0.0/a", []string{"Authorization", g.token(t, g.rsa)}, 200, "", "tok-user"},
		{"es256 token from the jwks", "/orders/1.0.0/a", []string{"Authorization", g.token(t, g.ec)}, 200, "", "tok-user"},
		{"wrong audience", "/orders/1.0.0/a", []string{"Authorization", g.token(t, g.rsa, "aud", "other")}, 401, "900901", ""},
		{"expired", "/orders/1.0.0/a", []string{"Authorization", g.token(t, g.rsa, "exp", 1000)}, 401, "900903", ""},
		{"opaque token, active", "/orders/1.0.0/a", []string{"Authorization", "Bearer opaque-good"}, 200, "", "opaque-user"},
		{"opaque token, inactive", "/orders/1.0.0/a", []string{"Authorization", "Bearer opaque-bad"}, 401, "900901", ""},
		{"plain key", "/orders/1.0.0/a", []string{"apikey", "key-1"}, 200, "", "alice"},
		{"plain key as bearer", "/orders/1.0.0/a", []string{"Authorization", "Bearer key-1"}, 200, "", "alice"},
		{"basic", "/orders/1.0.0/a", []string{"Authorization", basic}, 200, "", "ann"},
		{"nothing", "/orders/1.0.0/a", nil, 401, "900902", ""},
		{"scope admin", "/orders/1.0.0/admin/x", []string{"Authorization", g.token(t, g.rsa)}, 200, "", "tok-user"},
		{"scope missing", "/orders/1.0.0/admin/x", []string{"Authorization", g.token(t, g.rsa, "scope", "read")}, 403, "900910", ""},
		{"not subscribed", "/orders/1.0.0/a", []string{"apikey", "key-narrow"}, 403, "900908", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := g.backend.hits.Load()
			resp := do(t, g.r.traffic, "GET", tc.path, "", tc.hdr...)
			if resp.StatusCode() != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode(), tc.status, resp.Body())
			}
			if tc.code != "" {
				if !strings.Contains(string(resp.Body()), `"code":"`+tc.code+`"`) || g.backend.hits.Load() != before {
					t.Errorf("body %s (backend called: %v), want code %s", resp.Body(), g.backend.hits.Load() != before, tc.code)
				}
				return
			}
			if got := g.backend.header("X-User"); got != tc.user {
				t.Errorf("backend saw user %q, want %q", got, tc.user)
			}
			if a, k := g.backend.header("Authorization"), g.backend.header("apikey"); a != "" || k != "" {
				t.Errorf("credential forwarded: Authorization %q apikey %q", a, k)
			}
		})
	}
	// the active opaque token was asked once, the inactive one once
	for range 3 {
		do(t, g.r.traffic, "GET", "/orders/1.0.0/a", "", "Authorization", "Bearer opaque-good")
		do(t, g.r.traffic, "GET", "/orders/1.0.0/a", "", "Authorization", "Bearer opaque-bad")
	}
	if n := g.icalls.Load(); n != 2 {
		t.Errorf("introspection calls = %d, want 2 (positive and negative caches)", n)
	}
}

// TestGatewayBackendJWT: the backend receives an X-JWT-Assertion signed
// with the configured key, describing the caller and the API.
func TestGatewayBackendJWT(t *testing.T) {
	g := startAuthGateway(t, nil)
	resp := do(t, g.r.traffic, "GET", "/orders/1.0.0/a", "", "apikey", "key-1")
	if resp.StatusCode() != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode(), resp.Body())
	}
	raw := g.backend.header("X-JWT-Assertion")
	var claims jwt.MapClaims
	if _, err := jwt.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return g.gwKey.Priv.Public(), nil },
		jwt.WithValidMethods([]string{"ES256"}), jwt.WithIssuer("seqgate"), jwt.WithExpirationRequired()); err != nil {
		t.Fatalf("backend jwt %q does not verify with the gateway's public key: %v", raw, err)
	}
	const c = "http://wso2.org/claims/"
	for k, want := range map[string]string{"enduser": "alice", "applicationname": "App1", "applicationid": "a1",
		"apicontext": "/orders", "version": "1.0.0", "consumerkey": "ck-1", "keytype": "PRODUCTION"} {
		if claims[c+k] != want {
			t.Errorf("%s = %v, want %s", k, claims[c+k], want)
		}
	}
}

// TestGatewayAuthFailureHandler: the tenant's _auth_failure_handler_
// shapes the answer of a refused request, 403s included.
func TestGatewayAuthFailureHandler(t *testing.T) {
	g := startAuthGateway(t, map[string]string{
		"auth_failure.xml": seqXML("_auth_failure_handler_", `
			<payloadFactory media-type="json"><format>{"denied":"$1","status":"$2"}</format>
				<args><arg expression="$ctx:ERROR_CODE"/><arg expression="$ctx:HTTP_RESPONSE_STATUS_CODE"/></args></payloadFactory>
			<respond/>`),
	})
	cases := []struct {
		name   string
		hdr    []string
		status int
		body   string
	}{
		{"missing", nil, 401, `{"denied":"900902","status":"401"}`},
		{"scope", []string{"Authorization", g.token(t, g.ec, "scope", "read")}, 403, `{"denied":"900910","status":"403"}`},
		{"expired", []string{"Authorization", g.token(t, g.ec, "exp", 1000)}, 401, `{"denied":"900903","status":"401"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := do(t, g.r.traffic, "GET", "/orders/1.0.0/admin/x", "", tc.hdr...)
			if resp.StatusCode() != tc.status || strings.TrimSpace(string(resp.Body())) != tc.body {
				t.Errorf("got %d %s, want %d %s", resp.StatusCode(), resp.Body(), tc.status, tc.body)
			}
		})
	}
}

// TestGatewayJWKSRotationAndReload: a key the IdP starts publishing is
// accepted at once (one re-fetch on the unknown kid, not waiting for the
// 10m refresh), and config reloads reuse the running JWKS fetcher instead
// of starting another.
func TestGatewayJWKSRotationAndReload(t *testing.T) {
	g := startAuthGateway(t, nil)
	fresh := newIdPKey(t, "ec-2", false)
	fetches := g.idp.Fetches.Load()
	g.idp.Publish(g.rsa, g.ec, fresh)
	if resp := do(t, g.r.traffic, "GET", "/orders/1.0.0/a", "", "Authorization", g.token(t, fresh)); resp.StatusCode() != 200 {
		t.Fatalf("newly published key: %d %s", resp.StatusCode(), resp.Body())
	}
	if n := g.idp.Fetches.Load() - fetches; n != 1 {
		t.Errorf("jwks fetches for the new kid = %d, want 1", n)
	}
	for i := range 3 {
		if err := g.r.srv.reload(fmt.Sprintf("test %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := g.r.srv.rt.Authn().Fetchers(); n != 1 {
		t.Errorf("jwks fetchers after 3 reloads = %d, want 1", n)
	}
	if resp := do(t, g.r.traffic, "GET", "/orders/1.0.0/a", "", "Authorization", g.token(t, fresh)); resp.StatusCode() != 200 {
		t.Errorf("after reloads: %d %s", resp.StatusCode(), resp.Body())
	}
}
