package config

import (
	"slices"
	"strings"
	"testing"
)

func TestCORSDefaultsAndOverride(t *testing.T) {
	c, err := Parse([]byte(`
cors: {enable: true, allow_origins: ["https://app.example.com"], allow_credentials: true, max_age: 60}
apis:
  - {provider: admin, name: A, version: v1, context: /a, backend: ["http://127.0.0.1:1"]}
  - {provider: admin, name: B, version: v1, context: /b, backend: ["http://127.0.0.1:1"],
     cors: {allow_origins: ["*"], allow_methods: [get, " post"], allow_credentials: false}}
  - {provider: admin, name: C, version: v1, context: /c, backend: ["http://127.0.0.1:1"], cors: {enable: false}}
`))
	if err != nil {
		t.Fatal(err)
	}
	a := c.EffectiveCORS(&c.APIs[0])
	if !a.Enabled() || !a.Credentials() || *a.MaxAge != 60 || !slices.Equal(a.AllowOrigins, []string{"https://app.example.com"}) ||
		!slices.Equal(a.AllowMethods, DefaultCORSAllowMethods) || !slices.Equal(a.AllowHeaders, DefaultCORSAllowHeaders) {
		t.Errorf("inherited policy %+v", a)
	}
	b := c.EffectiveCORS(&c.APIs[1])
	if !b.Enabled() || b.Credentials() || *b.MaxAge != 60 || !slices.Equal(b.AllowOrigins, []string{"*"}) ||
		!slices.Equal(b.AllowMethods, []string{"GET", "POST"}) {
		t.Errorf("overridden policy %+v", b)
	}
	if c.EffectiveCORS(&c.APIs[2]).Enabled() {
		t.Error("apis[2] cors.enable: false did not turn CORS off")
	}
	if !c.CORSAnywhere() {
		t.Error("CORSAnywhere false with cors.enable true")
	}

	off, err := Parse([]byte(`apis: [{provider: a, name: B, version: v1, context: /b, backend: ["http://127.0.0.1:1"]}]`))
	if err != nil {
		t.Fatal(err)
	}
	if off.CORS.Enabled() || off.CORSAnywhere() || !slices.Equal(off.CORS.AllowOrigins, []string{"*"}) {
		t.Errorf("no cors section: %+v", off.CORS)
	}
}

func TestCORSRefused(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"origin with path", `cors: {allow_origins: ["https://a.com/x"]}`, `cors.allow_origins[0]: "https://a.com/x" is not an origin: only scheme://host[:port]`},
		{"origin list in one entry", `cors: {allow_origins: ["https://a.com,https://b.com"]}`, `cors.allow_origins[0]`},
		{"no scheme", `cors: {allow_origins: ["a.com"]}`, `cors.allow_origins[0]: "a.com" is not an origin: write scheme://host[:port]`},
		{"ftp", `cors: {allow_origins: ["ftp://a.com"]}`, `is not an origin`},
		{"no host", `cors: {allow_origins: ["https://"]}`, `has no host`},
		{"empty list", `cors: {allow_origins: []}`, `cors.allow_origins: empty list`},
		{"bad method", `cors: {allow_methods: ["GE T"]}`, `cors.allow_methods[0]: "GE T" is not an HTTP method`},
		{"bad header", `cors: {allow_headers: ["a:b"]}`, `cors.allow_headers[0]: "a:b" is not a header name`},
		{"bad expose", `cors: {expose_headers: [""]}`, `cors.expose_headers[0]: "" is not a header name`},
		{"negative max_age", `cors: {max_age: -1}`, `cors.max_age: -1 must be 0`},
		{"unknown key", `cors: {allowed_origins: ["*"]}`, `field allowed_origins not found`},
		{"per API", `apis: [{provider: admin, name: O, version: v1, context: /o, backend: ["http://127.0.0.1:1"], cors: {allow_origins: ["x"]}}]`,
			`apis[0] (admin--O:vv1): cors.allow_origins[0]: "x" is not an origin`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestCORSReadmeExample keeps the README's CORS example valid.
func TestCORSReadmeExample(t *testing.T) {
	c, err := Parse([]byte(`
cors:
  enable: true
  allow_origins: ["https://app.example.com", "https://*.example.org"]
  allow_credentials: true
  expose_headers: [X-Request-Id]
  max_age: 600
apis:
  - {provider: admin, name: Pets, version: v1, context: /pets, backend: ["http://127.0.0.1:9000"],
     cors: {allow_origins: ["*"], allow_credentials: false}}
`))
	if err != nil {
		t.Fatal(err)
	}
	if e := c.EffectiveCORS(&c.APIs[0]); !e.Enabled() || e.Credentials() || *e.MaxAge != 600 {
		t.Errorf("Pets: %+v", e)
	}
}
