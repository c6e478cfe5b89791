package hostile

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/seqgate/seqgate/handlers/authn/authntest"
)

// authWorld is a gateway with every credential kind configured: a JWT
// issuer (static RSA key), WSO2 signed API keys (another RSA key), basic
// users (password "pw"), plain keys and the backend JWT, in front of a
// recording backend.
type authWorld struct {
	g         *gateway
	be        *recorder
	idp, keys authntest.Key
}

const idpIssuer = "https://idp.test"

// authSpec is what a test adds: top-level YAML (applications, tiers),
// security.basic.users as a flow sequence, and apis entries as flow
// mappings. HASH stands for a bcrypt hash of "pw", BACKEND for the
// recorder's URL.
type authSpec struct {
	sections, basicUsers string
	apis                 []string
}

func startAuthWorld(t *testing.T, s authSpec) *authWorld {
	t.Helper()
	w := &authWorld{be: startRecorder(t), idp: authntest.NewRSA(t, "idp"), keys: authntest.NewRSA(t, "devportal")}
	dir := t.TempDir()
	hash, err := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer("HASH", string(hash), "BACKEND", w.be.url)
	sec := fmt.Sprintf("security:\n  jwt: {issuers: [{issuer: %q, public_key_file: %q}]}\n  api_keys: {public_key_file: %q}\n  backend_jwt: {enabled: true}\n",
		idpIssuer, w.idp.WritePublicPEM(t, dir, false), w.keys.WritePublicPEM(t, dir, false))
	if s.basicUsers != "" {
		sec += "  basic: {users: " + r.Replace(s.basicUsers) + "}\n"
	}
	raw := make([]string, len(s.apis))
	for i, a := range s.apis {
		raw[i] = r.Replace(a)
	}
	w.g = startSpec(t, spec{extra: apisThen(raw, sec+r.Replace(s.sections))})
	return w
}

// token signs a JWT of the test issuer with claims over the defaults.
func (w *authWorld) token(t *testing.T, kv ...any) string {
	c := jwt.MapClaims{"iss": idpIssuer, "sub": "tok-user", "exp": time.Now().Add(time.Hour).Unix()}
	for i := 0; i+1 < len(kv); i += 2 {
		c[kv[i].(string)] = kv[i+1]
	}
	return w.idp.Sign(t, c)
}

// call sends one request and returns the status and what the backend
// received (nil when it received nothing).
func (w *authWorld) call(t *testing.T, path string, headers ...string) (int, *recorded) {
	t.Helper()
	n := w.be.count()
	r := send(t, w.g.traffic, req("GET", path, append([]string{"Connection: close"}, headers...)...), 5*time.Second)
	got := w.be.since(n)
	if len(got) > 1 {
		t.Fatalf("%s: the backend received %d requests", path, len(got))
	}
	if len(got) == 0 {
		return r.status, nil
	}
	return r.status, &got[0]
}

// basicLine is the Authorization header line of user with password "pw".
func basicLine(user string) string { return "Authorization: " + basicAuth(user, "pw") }

// TestUnusedCredentialsNotForwarded: on a resource that authenticates,
// no credential header the gateway reads reaches the backend, the unused
// one beside the deciding one included; another Authorization scheme is
// not the gateway's and goes on.
func TestUnusedCredentialsNotForwarded(t *testing.T) {
	w := startAuthWorld(t, authSpec{sections: "applications: [{name: AppA, keys: [key-a]}]",
		basicUsers: `[{name: ann, password_hash: "HASH"}]`, apis: []string{
			`{provider: admin, name: Orders, version: v1, context: /orders, auth: "oauth2, apikey, basic", backend: ["BACKEND"]}`,
			`{provider: admin, name: KeyOnly, version: v1, context: /keyonly, auth: apikey, backend: ["BACKEND"]}`}})
	bearer := "Authorization: Bearer " + w.token(t)
	cases := []struct {
		name, path string
		hdr        []string
		authz      string // the Authorization the backend must get
	}{
		{"apikey used, bearer token beside it", "/orders/v1/x", []string{"apikey: key-a", bearer}, ""},
		{"token used, a bogus apikey beside it", "/orders/v1/x", []string{bearer, "apikey: not-a-key"}, ""},
		{"apikey used, basic beside it", "/orders/v1/x", []string{"apikey: key-a", basicLine("ann")}, ""},
		{"Apikey capitalised, bearer beside it", "/orders/v1/x", []string{"Apikey: key-a", bearer}, ""},
		{"basic used", "/orders/v1/x", []string{basicLine("ann")}, ""},
		{"apikey-only resource, basic beside the key", "/keyonly/v1/x", []string{"apikey: key-a", basicLine("ann")}, ""},
		{"apikey-only resource, bearer beside the key", "/keyonly/v1/x", []string{"apikey: key-a", bearer}, ""},
		{"another scheme is the backend's", "/keyonly/v1/x", []string{"apikey: key-a", `Authorization: Digest username="x"`}, `Digest username="x"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, got := w.call(t, c.path, c.hdr...)
			if st != 200 || got == nil {
				t.Fatalf("status %d, backend reached: %v", st, got != nil)
			}
			if k := got.header.Values("Apikey"); len(k) != 0 {
				t.Errorf("the backend received apikey %q", k)
			}
			if a := got.header.Get("Authorization"); a != c.authz {
				t.Errorf("the backend received Authorization %q, want %q", a, c.authz)
			}
			if got.header.Get("X-JWT-Assertion") == "" {
				t.Errorf("no backend JWT from the gateway")
			}
		})
	}
	w.g.bounded()
}

// TestClientBackendJWTNotForwarded: with backend JWTs on, a client's own
// X-JWT-Assertion never reaches a backend: removed on an auth: none API,
// replaced by the gateway's on an authenticated one.
func TestClientBackendJWTNotForwarded(t *testing.T) {
	w := startAuthWorld(t, authSpec{sections: "applications: [{name: AppA, keys: [key-a]}]", apis: []string{
		`{provider: admin, name: Open, version: v1, context: /open, auth: none, backend: ["BACKEND"]}`,
		`{provider: admin, name: Mixed, version: v1, context: /mixed, auth: apikey, backend: ["BACKEND"], resources: [{uri_template: "/public/*", auth: none}, {uri_template: "/*"}]}`,
		`{provider: admin, name: Keyed, version: v1, context: /keyed, auth: apikey, backend: ["BACKEND"]}`}})
	forged := "X-JWT-Assertion: " + w.token(t, "http://wso2.org/claims/enduser", "admin")
	for _, path := range []string{"/open/v1/x", "/mixed/v1/public/x"} {
		st, got := w.call(t, path, forged, "x-jwt-assertion: second")
		if st != 200 || got == nil {
			t.Fatalf("%s: status %d", path, st)
		}
		if v := got.header.Values("X-JWT-Assertion"); len(v) != 0 {
			t.Errorf("%s: the backend received the client's X-JWT-Assertion %.40q", path, v)
		}
	}
	st, got := w.call(t, "/keyed/v1/x", "apikey: key-a", forged)
	if st != 200 || got == nil {
		t.Fatalf("keyed: status %d", st)
	}
	if v := got.header.Values("X-JWT-Assertion"); len(v) != 1 || "X-JWT-Assertion: "+v[0] == forged {
		t.Errorf("keyed: the backend received %d X-JWT-Assertion values, the client's among them: %v", len(v), len(v) > 0 && "X-JWT-Assertion: "+v[0] == forged)
	}
	w.g.bounded()
}

// TestQuotaTheftByName: a caller that names itself like an application
// (a token's sub or azp, a basic user) is throttled on its own counter:
// it never consumes that application's subscription quota.
func TestQuotaTheftByName(t *testing.T) {
	w := startAuthWorld(t, authSpec{
		sections: `tiers: [{name: Two, requests: 2, unit: 1h}]
applications:
  - {name: AppB, id: app-b, consumer_key: ck-b, keys: [key-b]}
  - {name: AppC, id: app-c, consumer_key: ck-c, keys: [key-c]}
  - {name: AppD, id: app-d, consumer_key: ck-d, keys: [key-d]}
`,
		basicUsers: `[{name: app-d, password_hash: "HASH"}]`,
		apis:       []string{`{provider: admin, name: Orders, version: v1, context: /orders, auth: "oauth2, apikey, basic", tier: Two, backend: ["BACKEND"]}`},
	})
	attacks := []struct{ name, victimKey, cred string }{
		{"token with sub app-b", "key-b", "Authorization: Bearer " + w.token(t, "sub", "app-b")},
		{"token with azp app-c", "key-c", "Authorization: Bearer " + w.token(t, "sub", "someone", "azp", "app-c")},
		{"basic user app-d", "key-d", basicLine("app-d")},
	}
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			for i := range 3 { // the attacker's own quota: 2, then 429
				st, _ := w.call(t, "/orders/v1/x", a.cred)
				if want := map[bool]int{true: 200, false: 429}[i < 2]; st != want {
					t.Fatalf("attacker request %d: status %d, want %d", i+1, st, want)
				}
			}
			for i := range 2 {
				if st, _ := w.call(t, "/orders/v1/x", "apikey: "+a.victimKey); st != 200 {
					t.Fatalf("the application's request %d after the attack: status %d, want 200 (its quota is untouched)", i+1, st)
				}
			}
			if st, _ := w.call(t, "/orders/v1/x", "apikey: "+a.victimKey); st != 429 {
				t.Errorf("the application's third request: status %d, want 429 (its own quota of 2 is counted)", st)
			}
		})
	}
	w.g.bounded()
}

// signedKey signs a WSO2-shaped API key with the developer portal key,
// subscribed to the given subscribedAPIs entries.
func (w *authWorld) signedKey(t *testing.T, subs ...map[string]any) string {
	list := make([]any, len(subs))
	for i, s := range subs {
		list[i] = s
	}
	return w.keys.Sign(t, jwt.MapClaims{"sub": "dev", "keytype": "PRODUCTION", "subscribedAPIs": list,
		"application": map[string]any{"id": 7, "name": "Portal", "tier": "Unlimited"}})
}

// TestSubscriptionsBoundToTenantAndProvider: a signed key opens only the
// API its subscribedAPIs entry names — tenant (none named: the super
// tenant), publisher and context included — and an application's
// subscription with a provider opens only that provider's API of the name.
func TestSubscriptionsBoundToTenantAndProvider(t *testing.T) {
	apis := []string{
		`{provider: admin, name: Orders, version: v1, context: /orders, auth: apikey, backend: ["BACKEND"]}`,
		`{provider: bob, name: Orders, version: v1, context: /bobs, auth: apikey, backend: ["BACKEND"]}`,
		`{provider: admin@acme.com, name: Orders, version: v1, context: /orders, tenant: acme.com, auth: apikey, backend: ["BACKEND"]}`,
	}
	type check struct {
		name, path, key string
		want            int
	}
	run := func(t *testing.T, w *authWorld, cases []check) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				st, got := w.call(t, c.path, "apikey: "+c.key)
				if st != c.want {
					t.Errorf("status %d, want %d", st, c.want)
				}
				if (got != nil) != (c.want == 200) {
					t.Errorf("backend reached: %v", got != nil)
				}
			})
		}
		w.g.bounded()
	}
	t.Run("signed keys", func(t *testing.T) {
		w := startAuthWorld(t, authSpec{apis: apis})
		entry := func(kv ...string) map[string]any {
			m := map[string]any{"name": "Orders", "version": "v1", "subscriptionTier": "Unlimited"}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i]] = kv[i+1]
			}
			return m
		}
		run(t, w, []check{
			{"bare entry, super tenant", "/orders/v1/x", w.signedKey(t, entry()), 200},
			{"bare entry, another tenant's Orders", "/t/acme.com/orders/v1/x", w.signedKey(t, entry()), 403},
			{"acme.com's entry, acme.com's Orders", "/t/acme.com/orders/v1/x",
				w.signedKey(t, entry("subscriberTenantDomain", "acme.com", "publisher", "admin@acme.com", "context", "/t/acme.com/orders/v1")), 200},
			{"acme.com's entry, the super tenant's Orders", "/orders/v1/x", w.signedKey(t, entry("subscriberTenantDomain", "acme.com")), 403},
			{"publisher admin, admin's Orders", "/orders/v1/x", w.signedKey(t, entry("publisher", "admin", "context", "/orders/v1")), 200},
			{"publisher admin, bob's Orders", "/bobs/v1/x", w.signedKey(t, entry("publisher", "admin")), 403},
			{"context /orders/v1, bob's Orders", "/bobs/v1/x", w.signedKey(t, entry("context", "/orders/v1")), 403},
		})
	})
	t.Run("application subscriptions", func(t *testing.T) {
		w := startAuthWorld(t, authSpec{apis: apis,
			sections: "applications: [{name: Sub, keys: [key-sub], subscriptions: [{api: Orders, version: v1, provider: admin}]}]\n"})
		run(t, w, []check{
			{"admin's Orders", "/orders/v1/x", "key-sub", 200},
			{"bob's Orders", "/bobs/v1/x", "key-sub", 403},
		})
	})
}
