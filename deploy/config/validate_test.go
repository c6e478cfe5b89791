package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadFullConfig(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"position lower-cased", c.ExtensionHandlerPosition, PositionTop},
		{"max body", c.Limits.MaxBodyBytes, 1048576},
		{"xml depth default", c.Limits.MaxXMLDepth, DefaultMaxXMLDepth},
		{"backend timeout", c.Timeouts.Backend.D(), 10 * time.Second},
		{"read timeout default", c.Timeouts.Read.D(), 30 * time.Second},
		{"idle timeout default", c.Timeouts.Idle.D(), 120 * time.Second},
		{"events off", c.Usage.EventsEnabled(), false},
		{"admin on", c.Listen.AdminEnabled(), true},
		{"app tenant default", c.Applications[0].Tenant, SuperTenantDomain},
		{"app id default", c.Applications[0].ID, "DefaultApplication"},
		{"consumer key default", c.Applications[0].ConsumerKey, "DefaultApplication"},
		{"consumer key set", c.Applications[1].ConsumerKey, "ck-tenant"},
		{"api tenant default", c.APIs[0].Tenant, SuperTenantDomain},
		{"api auth default", c.APIs[0].Auth, AuthAPIKey},
		{"context trailing slash", c.APIs[0].Context, "/twitter"},
		{"methods upper-cased", strings.Join(c.APIs[0].Resources[0].Methods, ","), "GET,POST"},
		{"default resource", c.APIs[1].Resources[0].URITemplate, DefaultURITemplate},
		{"resource auth none", c.APIs[0].Resources[1].AuthRequired(&c.APIs[0]), false},
		{"resource auth inherited", c.APIs[0].Resources[0].AuthRequired(&c.APIs[0]), true},
		{"repository made absolute", filepath.IsAbs(c.Repository), true},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s: got %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

func TestDefaultsOfMinimalConfig(t *testing.T) {
	c, err := Parse([]byte("apis: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen.HTTP != ":8280" || c.Listen.Admin != "127.0.0.1:9765" || c.ExtensionHandlerPosition != "bottom" ||
		c.Limits.MaxBodyBytes != 10<<20 || c.Limits.MaxJSONDepth != 256 || c.Timeouts.Write.D() != 30*time.Second ||
		c.Timeouts.Backend.D() != time.Minute || c.Log.Level != "info" || c.Log.Format != "json" || !c.Usage.EventsEnabled() {
		t.Errorf("defaults not applied: %+v", c)
	}
	c2, err := Parse([]byte("listen: {admin: \"OFF\"}\n"))
	if err != nil || c2.Listen.AdminEnabled() {
		t.Errorf("admin off: err %v, enabled %v", err, c2 != nil && c2.Listen.AdminEnabled())
	}
}

// base is a valid config that each bad case breaks in one place.
const base = `
tenants: [{id: 1, domain: abc.com}]
tiers: [{name: Gold, requests: 10, unit: 1s}]
applications: [{name: App, keys: [secret-key-1]}]
apis:
  - {provider: admin, name: Foo, version: "v1.0", context: /foo, backend: ["http://127.0.0.1:1"]}
`

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"position", "extension_handler_position: middle\n", `extension_handler_position: "middle" is not top or bottom`},
		{"negative limit", "limits: {max_body_bytes: -1}\n", "limits.max_body_bytes: must be positive"},
		{"negative timeout", "timeouts: {read: -1s}\n", "timeouts.read: must be positive"},
		{"log level", "log: {level: loud}\n", `log.level: "loud" is not`},
		{"log format", "log: {format: xml}\n", `log.format: "xml" is not json or console`},
		{"json duplicate keys", "limits: {json_duplicate_keys: last}\n", `limits.json_duplicate_keys: "last" is not refuse or allow`},
		{"tenant id zero", "tenants: [{id: 0, domain: x.com}]\n", "tenants[0] (x.com): id 0 must be positive"},
		{"tenant id dup", "tenants: [{id: 1, domain: a.com}, {id: 1, domain: b.com}]\n", "tenants[1] (b.com): id 1 already used by tenants[0]"},
		{"tenant domain bad", "tenants: [{id: 1, domain: \"Bad_Domain\"}]\n", `domain "Bad_Domain" is not a valid DNS name`},
		{"tenant domain hyphen", "tenants: [{id: 1, domain: \"-a.com\"}]\n", `domain "-a.com" is not a valid DNS name`},
		{"tenant domain dup", "tenants: [{id: 1, domain: a.com}, {id: 2, domain: a.com}]\n", "tenants[1] (a.com): domain declared twice"},
		{"tenant super", "tenants: [{id: 1, domain: carbon.super}]\n", "domain carbon.super is the implicit super tenant"},
		{"tier requests", "tiers: [{name: T, requests: 0, unit: 1s}]\n", "tiers[0] (T): requests must be > 0"},
		{"tier unit", "tiers: [{name: T, requests: 1}]\n", "tiers[0] (T): unit must be > 0"},
		{"tier no name", "tiers: [{requests: 1, unit: 1s}]\n", "tiers[0] (): name is required"},
		{"tier unlimited", "tiers: [{name: Unlimited, requests: 1, unit: 1s}]\n", "Unlimited is reserved"},
		{"tier dup", "tiers: [{name: A, requests: 1, unit: 1s}, {name: A, requests: 1, unit: 1s}]\n", "tiers[1] (A): name declared twice"},
		{"app consumer key dup", "applications: [{name: A, consumer_key: ck}, {name: B, consumer_key: ck}]\n", "applications[1] (B): consumer_key \"ck\" already used by applications[0]"},
		{"app id dup", "applications: [{name: A, id: x, consumer_key: a}, {name: B, id: x, consumer_key: b}]\n", "applications[1] (B): id \"x\" already used by applications[0] in tenant carbon.super"},
		{"app id is another's default id", "applications: [{name: A}, {name: B, id: A, consumer_key: b}]\n", "applications[1] (B): id \"A\" already used by applications[0]"},
		{"subscription to an API of two providers", "apis: [{provider: admin, name: O, version: v1, context: /o, backend: [\"http://x\"]}, {provider: bob, name: O, version: v1, context: /o2, backend: [\"http://x\"]}]\napplications: [{name: A, subscriptions: [{api: O}]}]\n",
			"applications[0] (A): subscriptions[0]: API O of tenant carbon.super comes from providers admin, bob: name one in provider"},
		{"app empty key", "applications: [{name: A, keys: [\" \"]}]\n", "applications[0] (A): keys[0]: empty key"},
		{"app dup key", "applications: [{name: A, keys: [k]}, {name: B, keys: [x, k]}]\n", "applications[1] (B): keys[1]: same key as applications[0] keys[0]"},
		{"app tenant", "applications: [{name: A, tenant: nope.com, keys: [k]}]\n", `applications[0] (A): tenant "nope.com" is not declared`},
		{"app tier", "applications: [{name: A, tier: Silver, keys: [k]}]\n", `applications[0] (A): tier "Silver" is not declared`},
		{"app no name", "applications: [{keys: [k]}]\n", "applications[0] (): name is required"},
		{"api missing fields", "apis: [{backend: [\"http://x\"]}]\n", "apis[0] (--): provider is required"},
		{"api missing version", "apis: [{provider: p, name: n, context: /c, backend: [\"http://x\"]}]\n", "apis[0] (p--n): version is required"},
		{"api context slash", "apis: [{provider: p, name: n, version: v1, context: c, backend: [\"http://x\"]}]\n", `apis[0] (p--n:vv1): context "c" must start with /`},
		{"api context tenant", "apis: [{provider: p, name: n, version: v1, context: /t/abc.com/c, backend: [\"http://x\"]}]\n", "must not start with /t/"},
		{"api backend scheme", "apis: [{provider: admin, name: Foo, version: \"v1.0\", context: /x, backend: [\"ftp://x\"]}]\n", `apis[0] (admin--Foo:vv1.0): backend[0]: "ftp://x" is not an http(s) URL`},
		{"api no backend", "apis: [{provider: p, name: n, version: v1, context: /c}]\n", "apis[0] (p--n:vv1): backend: at least one URL is required"},
		{"api tenant", "apis: [{provider: p, name: n, version: v1, context: /c, tenant: zz.com, backend: [\"http://x\"]}]\n", `tenant "zz.com" is not declared`},
		{"api tier", "apis: [{provider: p, name: n, version: v1, context: /c, tier: Platinum, backend: [\"http://x\"]}]\n", `tier "Platinum" is not declared`},
		{"api auth", "apis: [{provider: p, name: n, version: v1, context: /c, auth: bogus, backend: [\"http://x\"]}]\n", `auth "bogus": "bogus" is not one of none, apikey, oauth2, basic, mtls`},
		{"api auth mtls without client_ca", "apis: [{provider: p, name: n, version: v1, context: /c, auth: mtls, backend: [\"http://x\"]}]\n",
			"apis[0] (p--n:vv1): auth: mtls needs tls.client_ca"},
		{"resource auth mtls without client_ca", "apis: [{provider: p, name: n, version: v1, context: /c, backend: [\"http://x\"], resources: [{auth: mtls}]}]\n",
			"apis[0] (p--n:vv1): resources[0]: auth: mtls needs tls.client_ca"},
		{"api dup route", "apis: [{provider: p, name: a, version: v1, context: /c, backend: [\"http://x\"]}, {provider: p, name: b, version: v1, context: /c, backend: [\"http://x\"]}]\n",
			"apis[1] (p--b:vv1): context /c version v1 already used by apis[0]"},
		{"api dup name", "apis: [{provider: p, name: a, version: v1, context: /c, backend: [\"http://x\"]}, {provider: p, name: a, version: v1, context: /d, backend: [\"http://x\"]}]\n",
			"apis[1] (p--a:vv1): same provider, name and version as apis[0]"},
		{"resource method", "apis: [{provider: p, name: n, version: v1, context: /c, backend: [\"http://x\"], resources: [{methods: [FETCH]}]}]\n",
			`apis[0] (p--n:vv1): resources[0]: methods[0]: "FETCH" is not one of`},
		{"resource template slash", "apis: [{provider: p, name: n, version: v1, context: /c, backend: [\"http://x\"], resources: [{uri_template: orders}]}]\n",
			`resources[0]: uri_template "orders": must start with /`},
		{"resource template star", "apis: [{provider: p, name: n, version: v1, context: /c, backend: [\"http://x\"], resources: [{uri_template: /a/*/b}]}]\n",
			"* is allowed only as the last segment"},
		{"resource template partial var", "apis: [{provider: p, name: n, version: v1, context: /c, backend: [\"http://x\"], resources: [{uri_template: \"/a/x{id}\"}]}]\n",
			"a variable or * must be a whole segment"},
		{"resource template dup var", "apis: [{provider: p, name: n, version: v1, context: /c, backend: [\"http://x\"], resources: [{uri_template: \"/{a}/{a}\"}]}]\n",
			"variable {a} used twice"},
		{"resource auth", "apis: [{provider: p, name: n, version: v1, context: /c, backend: [\"http://x\"], resources: [{auth: oauth}]}]\n",
			`resources[0]: auth "oauth": "oauth" is not one of`},
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

func TestValidateBaseIsGood(t *testing.T) {
	if _, err := Parse([]byte(base)); err != nil {
		t.Fatalf("base config refused: %v", err)
	}
}

func TestValidateCollectsAllAndHidesKeys(t *testing.T) {
	y := "extension_handler_position: x\ntiers: [{name: T}]\napplications: [{name: A, keys: [topsecret]}, {name: B, keys: [topsecret]}]\n"
	_, err := Parse([]byte(y))
	if err == nil {
		t.Fatal("accepted")
	}
	msg := err.Error()
	if n := strings.Count(msg, "\n") + 1; n != 4 {
		t.Errorf("want 4 errors, got %d:\n%s", n, msg)
	}
	if strings.Contains(msg, "topsecret") {
		t.Errorf("error leaks a key:\n%s", msg)
	}
}

func TestLoadUnknownKeyAndMissingFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(p, []byte("listen: {htp: x}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "htp") {
		t.Errorf("unknown key: got %v", err)
	}
	if _, err := Load(filepath.Join(dir, "none.yaml")); err == nil {
		t.Error("missing file accepted")
	}
}

// TestKeyType: key_type defaults to PRODUCTION, is case-insensitive and
// refuses anything but PRODUCTION and SANDBOX; sandbox_backend URLs are
// checked like backend ones.
func TestKeyType(t *testing.T) {
	base := `
apis: [{provider: a, name: A, version: "1", context: /a, backend: ["http://127.0.0.1:1"], sandbox_backend: ["%s"]}]
applications:
  - {name: P, keys: [k1]}
  - {name: S, keys: [k2], key_type: %s}
`
	c, err := Parse([]byte(fmt.Sprintf(base, "http://127.0.0.1:2", "sandbox")))
	if err != nil {
		t.Fatal(err)
	}
	if c.Applications[0].KeyType != KeyTypeProduction || c.Applications[1].KeyType != KeyTypeSandbox {
		t.Errorf("key types %q %q", c.Applications[0].KeyType, c.Applications[1].KeyType)
	}
	if _, err := Parse([]byte(fmt.Sprintf(base, "http://127.0.0.1:2", "TEST"))); err == nil || !strings.Contains(err.Error(), `key_type "TEST": must be PRODUCTION or SANDBOX`) {
		t.Errorf("bad key_type: %v", err)
	}
	if _, err := Parse([]byte(fmt.Sprintf(base, "ftp://x", "SANDBOX"))); err == nil || !strings.Contains(err.Error(), "sandbox_backend[0]") {
		t.Errorf("bad sandbox_backend: %v", err)
	}
}
