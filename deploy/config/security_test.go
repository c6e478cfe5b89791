package config

import (
	"strings"
	"testing"
)

// goodHash is a bcrypt hash (cost 4) of "pw".
const goodHash = "$2a$04$3l6cg6hEExhcm4yXKpg5FuK3iIkYByCa8Tz55Aaz8aIFgYbr7T8FW"

// cost5Hash is a bcrypt hash at cost 5: beside goodHash, mixed costs.
const cost5Hash = "$2a$05$6yxk7fLU1uQ9AtD.T/wEzueMvk5eDy0YXxNLxDsBe3jJuok.7DNsy"

// TestSecurityRejects: each bad security setting or auth list is refused
// with an error naming its key path.
func TestSecurityRejects(t *testing.T) {
	api := func(auth string) string {
		return "apis: [{provider: p, name: n, version: v1, context: /c, auth: \"" + auth + "\", backend: [\"http://x\"]}]\n"
	}
	cases := []struct{ name, yaml, want string }{
		{"bad method", api("apikey,token"), `apis[0] (p--n:vv1): auth "apikey,token": "token" is not one of none, apikey, oauth2, basic, mtls`},
		{"none combined", api("none, apikey"), `auth "none,apikey": none cannot be combined`},
		{"method twice", api("apikey,APIKEY"), `auth "apikey,apikey": apikey listed twice`},
		{"empty item", api("apikey,"), `"" is not one of`},
		{"resource method", "apis: [{provider: p, name: n, version: v1, context: /c, backend: [\"http://x\"], resources: [{auth: \"basic,cert\"}]}]\n",
			`resources[0]: auth "basic,cert": "cert" is not one of`},
		{"mtls in a list needs client_ca", api("apikey,mtls"), "auth: mtls needs tls.client_ca"},
		{"oauth2 without an issuer", api("oauth2"), "resources[0]: auth oauth2 needs security.jwt.issuers or security.introspection for tenant carbon.super"},
		{"oauth2 with another tenant's issuer", "tenants: [{id: 1, domain: abc.com}]\nsecurity: {jwt: {issuers: [{issuer: i, public_key_file: k.pem, tenant: abc.com}]}}\n" + api("oauth2"),
			"auth oauth2 needs"},
		{"basic without users", api("basic"), "auth basic needs security.basic.users of tenant carbon.super"},
		{"bad scope", "apis: [{provider: p, name: n, version: v1, context: /c, backend: [\"http://x\"], resources: [{scopes: [\"a b\"]}]}]\n",
			`resources[0]: scopes[0]: "a b" must be one non-empty word`},
		{"issuer without key source", "security: {jwt: {issuers: [{name: idp, issuer: https://idp}]}}\n",
			"security.jwt.issuers[0] (idp): one of jwks_url or public_key_file is required"},
		{"issuer with both key sources", "security: {jwt: {issuers: [{issuer: https://idp, jwks_url: \"https://idp/jwks\", public_key_file: k.pem}]}}\n",
			"security.jwt.issuers[0] (https://idp): jwks_url and public_key_file are exclusive"},
		{"issuer without iss", "security: {jwt: {issuers: [{name: x, public_key_file: k.pem}]}}\n", "security.jwt.issuers[0] (x): issuer is required"},
		{"jwks not http", "security: {jwt: {issuers: [{issuer: i, jwks_url: \"file:///etc/keys\"}]}}\n", `jwks_url "file:///etc/keys" is not an http(s) URL`},
		{"issuer unknown tenant", "security: {jwt: {issuers: [{issuer: i, public_key_file: k.pem, tenant: nope.com}]}}\n",
			`security.jwt.issuers[0] (i): tenant "nope.com" is not declared in tenants`},
		{"issuer twice", "security: {jwt: {issuers: [{issuer: i, public_key_file: a.pem}, {issuer: i, public_key_file: b.pem}]}}\n",
			"security.jwt.issuers[1] (i): issuer already declared by security.jwt.issuers[0]"},
		{"negative leeway", "security: {jwt: {leeway: -1s}}\n", "security.jwt.leeway: must not be negative"},
		{"introspection url", "security: {introspection: {url: \"ftp://x\"}}\n", `security.introspection.url: "ftp://x" is not an http(s) URL`},
		{"introspection tenant", "security: {introspection: {url: \"http://x\", tenant: nope.com}}\n", `security.introspection: tenant "nope.com"`},
		{"introspection two secrets", "security: {introspection: {url: \"http://x\", client_secret: a, client_secret_file: b}}\n",
			"client_secret and client_secret_file are exclusive"},
		{"bad bcrypt hash", "security: {basic: {users: [{name: ann, password_hash: plaintext}]}}\n",
			"security.basic.users[0] (ann): password_hash is not a bcrypt hash"},
		{"basic user unknown tenant", "security: {basic: {users: [{name: ann, password_hash: \"" + goodHash + "\", tenant: nope.com}]}}\n",
			`security.basic.users[0] (ann): tenant "nope.com" is not declared`},
		{"basic user twice", "security: {basic: {users: [{name: ann, password_hash: \"" + goodHash + "\"}, {name: ann, password_hash: \"" + goodHash + "\"}]}}\n",
			"security.basic.users[1] (ann): name already used by security.basic.users[0]"},
		{"backend jwt header", "security: {backend_jwt: {enabled: true, header: \" \"}}\n", "security.backend_jwt.header: empty header name"},
		{"basic mixed bcrypt costs", "security: {basic: {users: [{name: ann, password_hash: \"" + goodHash + "\"}, {name: bob, password_hash: \"" + cost5Hash + "\"}]}}\n",
			"security.basic.users[1] (bob): bcrypt cost 5 differs from cost 4 of user ann"},
		{"basic negative concurrency", "security: {basic: {max_concurrent_checks: -1}}\n", "security.basic.max_concurrent_checks: must not be negative"},
		{"basic negative failures", "security: {basic: {max_failures_per_client: -1}}\n", "security.basic.max_failures_per_client: must not be negative"},
		{"basic negative failure window", "security: {basic: {failure_window: -1s}}\n", "security.basic.failure_window: must be positive"},
		{"jwks negative timeout", "security: {jwt: {jwks_timeout: -1s}}\n", "security.jwt.jwks_timeout: must be positive"},
		{"introspection zero concurrency", "security: {introspection: {url: \"http://x\", max_concurrent: -1}}\n", "security.introspection.max_concurrent: must be positive"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if err == nil {
				t.Fatalf("accepted, want error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n%v\ndoes not contain\n%s", err, tc.want)
			}
		})
	}
}

// TestSecurityAccepts: a full security section and auth lists parse,
// with their defaults and normalised auth values.
func TestSecurityAccepts(t *testing.T) {
	y := `
tenants: [{id: 1, domain: abc.com}]
tls: {certificates: [{cert: s.pem, key: s.key}], client_ca: ca.pem}
security:
  jwt: {issuers: [{issuer: "https://idp", jwks_url: "https://idp/jwks"}, {issuer: "https://idp", public_key_file: k.pem, tenant: abc.com}]}
  introspection: {url: "https://idp/introspect", client_id: gw, client_secret: s}
  basic: {users: [{name: ann, password_hash: "` + goodHash + `"}]}
  backend_jwt: {enabled: true}
apis:
  - provider: p
    name: n
    version: v1
    context: /c
    auth: " OAuth2 , apikey,Basic,mtls "
    backend: ["http://x"]
    resources: [{uri_template: /open, auth: none}, {uri_template: /k, auth: apikey}, {}]
`
	c, err := Parse([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	a := &c.APIs[0]
	all := AuthSetMTLS | AuthSetOAuth2 | AuthSetAPIKey | AuthSetBasic
	checks := []struct {
		name      string
		got, want any
	}{
		{"normalised", a.Auth, "oauth2,apikey,basic,mtls"},
		{"inherited set", a.Resources[2].AuthMethods(a), all},
		{"none", a.Resources[0].AuthRequired(a), false},
		{"own set", a.Resources[1].AuthMethods(a), AuthSetAPIKey},
		{"leeway", c.Security.JWT.Leeway.D().String(), "30s"},
		{"jwks refresh", c.Security.JWT.Issuers[0].JWKSRefresh.D().String(), "10m0s"},
		{"issuer name", c.Security.JWT.Issuers[0].Name, "https://idp"},
		{"issuer tenant", c.Security.JWT.Issuers[0].Tenant, SuperTenantDomain},
		{"negative cache", c.Security.Introspection.NegativeCacheTTL.D().String(), "10s"},
		{"basic cache", c.Security.Basic.CacheTTL.D().String(), "1m0s"},
		{"backend header", c.Security.BackendJWT.Header, "X-JWT-Assertion"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s: got %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}
