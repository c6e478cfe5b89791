package handlers

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/authn"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/sequences"
)

// methodsConfig: Orders accepts every method (and has an /admin resource
// needing the admin scope), Keyed only API keys, Tokens only oauth2, and
// abc.com's Stock only oauth2 from abc.com's issuer.
const methodsConfig = `
tenants: [{id: 1, domain: abc.com}]
tls: {certificates: [{cert: s.pem, key: s.key}], client_ca: ca.pem}
security:
  jwt:
    issuers:
      - {issuer: "https://idp/super", public_key_file: IDP}
      - {issuer: "https://idp/abc", public_key_file: IDP, tenant: abc.com}
  api_keys: {public_key_file: APIM}
  basic: {users: [{name: ann, password_hash: "HASH", scopes: [read]}]}
applications:
  - {name: App1, consumer_key: ck-1, user: alice, keys: [key-1]}
  - {name: Narrow, consumer_key: ck-narrow, keys: [key-narrow], subscriptions: [{api: Keyed}]}
  - {name: Sbox, consumer_key: ck-sbox, keys: [key-sbox], key_type: SANDBOX}
apis:
  - provider: admin
    name: Orders
    version: v1
    context: /orders
    auth: "basic, apikey, oauth2, mtls"
    backend: ["http://127.0.0.1:1"]
    resources:
      - {uri_template: /admin/*, scopes: [admin]}
      - {uri_template: /*}
  - {provider: admin, name: Keyed, version: v1, context: /keyed, backend: ["http://127.0.0.1:1"]}
  - {provider: admin, name: Tokens, version: v1, context: /tokens, auth: oauth2, backend: ["http://127.0.0.1:1"]}
  - {provider: admin, name: Stock, version: v1, context: /stock, tenant: abc.com, auth: oauth2, backend: ["http://127.0.0.1:1"]}
`

type methodsFixture struct {
	*fixture
	auth      *Auth
	idp, apim signer
}

func newMethodsFixture(t testing.TB) *methodsFixture {
	t.Helper()
	dir := t.TempDir()
	idp, idpPath := newSigner(t, dir, "idp")
	apim, apimPath := newSigner(t, dir, "apim")
	y := strings.NewReplacer("IDP", idpPath, "APIM", apimPath, "HASH", bcryptOf(t, "pw")).Replace(methodsConfig)
	cfg, err := config.Parse([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	r, err := route.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	reg := authn.NewRegistry(nil)
	t.Cleanup(reg.Close)
	set, err := authn.New(cfg, reg)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := NewAuth(cfg, AuthOptions{Verifiers: set})
	if err != nil {
		t.Fatal(err)
	}
	return &methodsFixture{fixture: &fixture{cfg: cfg, router: r}, auth: auth, idp: idp, apim: apim}
}

// jwt is a token of the super tenant's issuer with claims over defaults.
func (f *methodsFixture) jwt(t testing.TB, kv ...any) string {
	c := jwt.MapClaims{"iss": "https://idp/super", "sub": "tok-user", "azp": "ext-client", "scope": "read admin"}
	for i := 0; i+1 < len(kv); i += 2 {
		c[kv[i].(string)] = kv[i+1]
	}
	return f.idp.token(t, c)
}

// apiKey is a WSO2 signed API key subscribed to Orders v1.
func (f *methodsFixture) apiKey(t testing.TB) string {
	return f.apim.token(t, jwt.MapClaims{"sub": "admin@carbon.super", "keytype": "PRODUCTION",
		"application": map[string]any{"name": "DevApp", "id": 7, "tier": "Gold"},
		"subscribedAPIs": []any{map[string]any{"name": "Orders", "version": "v1", "context": "/orders/v1",
			"publisher": "admin", "subscriptionTier": "Gold", "subscriberTenantDomain": "carbon.super"}}})
}

func basicAuth(user, pw string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pw))
}

// TestAuthPrecedence: which method decides when a request carries
// several credentials (mtls, oauth2, apikey, basic), and that a bad
// credential of the deciding method fails without falling through.
func TestAuthPrecedence(t *testing.T) {
	f := newMethodsFixture(t)
	good, bad := "Bearer "+f.jwt(t), "Bearer "+f.jwt(t, "iss", "https://idp/abc")
	cases := []struct {
		name    string
		cert    bool
		headers []string
		method  string // deciding method when accepted
		code    string // error code when refused
	}{
		{"certificate beats a token", true, []string{"Authorization", good}, "mtls", ""},
		{"certificate beats a bad token", true, []string{"Authorization", bad}, "mtls", ""},
		{"token beats a key", false, []string{"Authorization", good, "apikey", "key-1"}, "oauth2", ""},
		{"bad token, good key: no fall-through", false, []string{"Authorization", bad, "apikey", "key-1"}, "", "900901"},
		{"bearer holding a plain key is the key", false, []string{"Authorization", "Bearer key-1"}, "apikey", ""},
		{"key beats basic", false, []string{"apikey", "key-1", "Authorization", basicAuth("ann", "pw")}, "apikey", ""},
		{"bad key, good basic: no fall-through", false, []string{"apikey", "nope", "Authorization", basicAuth("ann", "pw")}, "", "900901"},
		{"basic alone", false, []string{"Authorization", basicAuth("ann", "pw")}, "basic", ""},
		{"basic, wrong password", false, []string{"Authorization", basicAuth("ann", "x")}, "", "900901"},
		{"basic, not base64", false, []string{"Authorization", "Basic %%%"}, "", "900901"},
		{"signed api key", false, []string{"apikey", f.apiKey(t)}, "apikey", ""},
		{"nothing", false, nil, "", "900902"},
		{"unknown scheme", false, []string{"Authorization", "Digest x"}, "", "900902"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := f.exchange(t, "GET", "/orders/v1/x", tc.headers...)
			ex.ClientCertVerified, ex.ClientCertCN = tc.cert, "partner"
			ok := f.auth.HandleRequest(ex)
			checkAuthOutcome(t, ex, ok, tc.method, tc.code)
		})
	}
}

// checkAuthOutcome checks an accepted request's method or a refused
// one's code, and that no credential reaches the backend.
func checkAuthOutcome(t *testing.T, ex *Exchange, ok bool, method, code string) {
	t.Helper()
	if code != "" {
		var body struct{ Code string }
		_ = json.Unmarshal(ex.MC.Resp.Body(), &body)
		if ok || body.Code != code {
			t.Fatalf("passed=%v body %s, want refused with %s", ok, ex.MC.Resp.Body(), code)
		}
		want := map[byte]int{'1': 401, '8': 403}[code[5]]
		if code == CodeScopeForbidden {
			want = 403
		}
		if got := ex.MC.Resp.StatusCode(); want != 0 && got != want {
			t.Errorf("status %d, want %d", got, want)
		}
		return
	}
	if !ok {
		t.Fatalf("refused: %s", ex.MC.Resp.Body())
	}
	if ex.Principal.Method != method {
		t.Errorf("decided by %q, want %q", ex.Principal.Method, method)
	}
	if (method == "oauth2" || method == "basic") && ex.MC.Req.Header.Peek("Authorization") != nil {
		t.Error("the deciding credential reaches the backend")
	}
}

// TestAuthRules: methods a resource does not accept, expiry, tenant
// isolation, scopes, subscriptions.
func TestAuthRules(t *testing.T) {
	f := newMethodsFixture(t)
	expired := "Bearer " + f.jwt(t, "exp", time.Now().Add(-time.Hour).Unix())
	cases := []struct {
		name, uri string
		headers   []string
		method    string
		code      string
	}{
		{"oauth2-only refuses a key", "/tokens/v1/x", []string{"apikey", "key-1"}, "", "900902"},
		{"oauth2-only refuses basic", "/tokens/v1/x", []string{"Authorization", basicAuth("ann", "pw")}, "", "900902"},
		{"oauth2-only: bearer plain key is a token", "/tokens/v1/x", []string{"Authorization", "Bearer key-1"}, "", "900901"},
		{"expired token", "/tokens/v1/x", []string{"Authorization", expired}, "", "900903"},
		{"apikey-only refuses a token", "/keyed/v1/x", []string{"Authorization", "Bearer " + f.jwt(t)}, "", "900901"},
		{"tenant issuer on its tenant", "/t/abc.com/stock/v1/x", []string{"Authorization", "Bearer " + f.jwt(t, "iss", "https://idp/abc")}, "oauth2", ""},
		{"super issuer on abc.com", "/t/abc.com/stock/v1/x", []string{"Authorization", "Bearer " + f.jwt(t)}, "", "900901"},
		{"scope present", "/orders/v1/admin/x", []string{"Authorization", "Bearer " + f.jwt(t)}, "oauth2", ""},
		{"scope missing", "/orders/v1/admin/x", []string{"Authorization", "Bearer " + f.jwt(t, "scope", "read")}, "", "900910"},
		{"basic user without the scope", "/orders/v1/admin/x", []string{"Authorization", basicAuth("ann", "pw")}, "", "900910"},
		{"api keys are not scope-checked", "/orders/v1/admin/x", []string{"apikey", "key-1"}, "apikey", ""},
		{"plain key not subscribed", "/orders/v1/x", []string{"apikey", "key-narrow"}, "", "900908"},
		{"plain key subscribed", "/keyed/v1/x", []string{"apikey", "key-narrow"}, "apikey", ""},
		{"token of a configured app not subscribed", "/orders/v1/x", []string{"Authorization", "Bearer " + f.jwt(t, "azp", "ck-narrow")}, "", "900908"},
		{"signed key not subscribed", "/keyed/v1/x", []string{"apikey", f.apiKey(t)}, "", "900908"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := f.exchange(t, "GET", tc.uri, tc.headers...)
			checkAuthOutcome(t, ex, f.auth.HandleRequest(ex), tc.method, tc.code)
		})
	}
}

// TestAuthIdentityProps: api.ut.* and the principal from a token of a
// configured application, of an unknown client, from basic and from a
// signed API key; credentials are removed.
func TestAuthIdentityProps(t *testing.T) {
	f := newMethodsFixture(t)
	cases := []struct {
		name    string
		headers []string
		app     string // ex.App's name, "" for none
		props   map[string]string
	}{
		{"token of a configured app", []string{"Authorization", "Bearer " + f.jwt(t, "azp", "ck-1")}, "App1",
			map[string]string{"api.ut.consumerKey": "ck-1", "api.ut.application.name": "App1", "api.ut.userId": "tok-user",
				"api.ut.scopes": "read admin", "END_USER_NAME": "tok-user"}},
		{"token of an unknown client", []string{"Authorization", "Bearer " + f.jwt(t, "application", map[string]any{"name": "Ext", "id": "e1"})}, "",
			map[string]string{"api.ut.consumerKey": "ext-client", "api.ut.application.name": "Ext", "api.ut.application.id": "e1",
				"api.ut.userId": "tok-user"}},
		{"basic", []string{"Authorization", basicAuth("ann", "pw")}, "",
			map[string]string{"api.ut.userId": "ann", "api.ut.scopes": "read", "api.ut.consumerKey": ""}},
		{"signed api key", []string{"apikey", f.apiKey(t)}, "",
			map[string]string{"api.ut.userId": "admin@carbon.super", "api.ut.application.name": "DevApp", "api.ut.application.id": "7"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := f.exchange(t, "GET", "/orders/v1/x", tc.headers...)
			if !f.auth.HandleRequest(ex) {
				t.Fatalf("refused: %s", ex.MC.Resp.Body())
			}
			if got := ""; ex.App != nil {
				got = ex.App.Name
				if got != tc.app {
					t.Errorf("App = %s, want %q", got, tc.app)
				}
			} else if tc.app != "" {
				t.Errorf("App = nil, want %s", tc.app)
			}
			for k, v := range tc.props {
				if got, _ := ex.MC.Props.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if ex.MC.Req.Header.Peek("Authorization") != nil || ex.MC.Req.Header.Peek("apikey") != nil {
				t.Error("credential forwarded to the backend")
			}
		})
	}
	ex := f.exchange(t, "GET", "/orders/v1/x", "apikey", f.apiKey(t))
	f.auth.HandleRequest(ex)
	if ex.Principal.SubTier != "Gold" || ex.Principal.AppTier != "Gold" {
		t.Errorf("signed key tiers: %+v", ex.Principal)
	}
}

// TestAuthFailureHandlerShapes: a 403 goes through _auth_failure_handler_
// like a 401 does, with its code and status in the properties.
func TestAuthFailureHandlerShapes(t *testing.T) {
	f := newMethodsFixture(t)
	ex := f.exchange(t, "GET", "/orders/v1/admin/x", "Authorization", "Bearer "+f.jwt(t, "scope", "read"))
	ex.Seqs = buildSet(t, map[string]string{sequences.AuthFailureHandler: `<h.mark v="x"/>`})
	if f.auth.HandleRequest(ex) {
		t.Fatal("passed without the scope")
	}
	for k, want := range map[string]string{PropErrorCode: CodeScopeForbidden, PropHTTPResponseStatus: "403"} {
		if v, _ := ex.MC.Props.Get(k); v != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
	if body := string(responseBody(ex)); !strings.Contains(body, "<ams:code>900910</ams:code>") {
		t.Errorf("body %q: the handler's payload is missing", body)
	}
}

// TestAuthKeyType: AM_KEY_TYPE for every method: a plain key's
// application key_type; a token's keytype claim, else its configured
// application's key_type, else PRODUCTION; basic: PRODUCTION.
func TestAuthKeyType(t *testing.T) {
	f := newMethodsFixture(t)
	for _, tc := range []struct {
		name    string
		headers []string
		want    string
	}{
		{"production key", []string{"apikey", "key-1"}, "PRODUCTION"},
		{"sandbox key", []string{"apikey", "key-sbox"}, "SANDBOX"},
		{"sandbox key as bearer", []string{"Authorization", "Bearer key-sbox"}, "SANDBOX"},
		{"token of the sandbox app, no claim", []string{"Authorization", "Bearer " + f.jwt(t, "azp", "ck-sbox")}, "SANDBOX"},
		{"token claim wins over the app", []string{"Authorization", "Bearer " + f.jwt(t, "azp", "ck-sbox", "keytype", "PRODUCTION")}, "PRODUCTION"},
		{"token of an unknown client with a claim", []string{"Authorization", "Bearer " + f.jwt(t, "keytype", "SANDBOX")}, "SANDBOX"},
		{"token of an unknown client", []string{"Authorization", "Bearer " + f.jwt(t)}, "PRODUCTION"},
		{"basic", []string{"Authorization", basicAuth("ann", "pw")}, "PRODUCTION"},
		{"signed api key", []string{"apikey", f.apiKey(t)}, "PRODUCTION"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ex := f.exchange(t, "GET", "/orders/v1/x", tc.headers...)
			if !f.auth.HandleRequest(ex) {
				t.Fatalf("refused: %s", ex.MC.Resp.Body())
			}
			if got, _ := ex.MC.Props.Get(PropKeyType); got != tc.want {
				t.Errorf("AM_KEY_TYPE = %q, want %q", got, tc.want)
			}
		})
	}
}
