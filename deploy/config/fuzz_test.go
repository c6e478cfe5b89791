package config

import (
	"os"
	"strings"
	"testing"
)

// FuzzParse: any bytes give a config or an error, never a panic; a config
// that parses has passed validation, so every limit is positive and the
// admin listener is loopback-only or guarded by a token.
func FuzzParse(f *testing.F) {
	full, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		string(full), "", "listen: {admin: '0.0.0.0:9765'}", "limits: {max_body_bytes: -1}",
		"timeouts: {header_read: 1s, idle: 0s}", "tenants: [{id: 1, domain: ABC.com}]",
		"apis: [{provider: a, name: b, version: v, context: /c, backend: ['http://x']}]",
		"listen: {admin: '[::]:1', admin_token: short}", "a: &a [*a]", "limits: {max_uri_bytes: 1e99}",
		"tiers: [{name: Gold, requests: 1, unit: 1h}]", strings.Repeat("[", 100),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if (c == nil) == (err == nil) {
			t.Fatalf("Parse returned config=%v err=%v", c, err)
		}
		if c == nil {
			return
		}
		if c.Limits.MaxBodyBytes <= 0 || c.Limits.MaxURIBytes <= 0 || c.Limits.MaxHeaders <= 0 || c.Timeouts.HeaderRead <= 0 {
			t.Fatalf("validated config with a non-positive limit: %+v %+v", c.Limits, c.Timeouts)
		}
		if c.Listen.AdminEnabled() && !c.Listen.AdminLoopback() && c.Listen.AdminToken == "" && c.Listen.AdminTokenFile == "" {
			t.Fatalf("admin on %q without a token passed validation", c.Listen.Admin)
		}
	})
}
