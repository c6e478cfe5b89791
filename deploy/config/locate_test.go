package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadLocated(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string // each a line of the error, after "<file>:"
	}{
		{"syntax", "listen: {http: \":1\"\napis: [\n", []string{":1: did not find expected"}},
		{"unknown key", "listen:\n  htp: x\n", []string{":2: listen.htp: unknown key; did you mean \"http\"?"}},
		{"bad duration", "timeouts:\n  read: soon\n", []string{":2: \"soon\" is not a duration"}},
		{"api backend", "apis:\n  - provider: a\n    name: A\n    version: v1\n    context: /a\n    auth: none\n    backend: [ \"ftp://x\" ]\n",
			[]string{":7: apis[0] (a--A:vv1): backend[0]"}},
		{"tls pair and lifecycle", "tls:\n  certificates:\n    - { cert: a.pem }\nlifecycle: { grace_period: -1s }\n",
			[]string{":3: tls.certificates[0]: cert and key are both required", ":4: lifecycle.grace_period: must be positive"}},
		{"tls host", "tls:\n  certificates:\n    - cert: a.pem\n      key: a.key\n      hosts: [ \"bad host\" ]\n",
			[]string{":5: tls.certificates[0]: hosts[0]"}},
		{"mtls without client ca", "apis:\n  - provider: a\n    name: A\n    version: v1\n    context: /a\n    auth: mtls\n    backend: [ \"http://x\" ]\n",
			[]string{":6: apis[0] (a--A:vv1): auth: mtls needs tls.client_ca"}},
		{"client auth without ca", "tls: { client_auth: require }\n", []string{":1: tls.client_auth: \"require\" needs tls.client_ca"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(p, []byte(tc.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadLocated(p)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), p+w) {
					t.Errorf("error\n%s\nhas no line %q", err, p+w)
				}
			}
		})
	}
}

func TestTLSAndLifecycleDefaults(t *testing.T) {
	c, err := Parse([]byte("tls:\n  certificates: [ { cert: a.pem, key: a.key, hosts: [ API.example.com ] } ]\n  client_ca: ca.pem\nlifecycle: { drain_delay: 0s }\n"))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"https", c.Listen.HTTPS, ":8243"},
		{"enabled", c.TLS.Enabled(), true},
		{"client_auth", c.TLS.ClientAuth, ClientAuthRequest},
		{"host lower-cased", c.TLS.Certificates[0].Hosts[0], "api.example.com"},
		{"drain 0s kept", c.Lifecycle.Drain().String(), "0s"},
		{"grace default", c.Lifecycle.Grace().String(), "30s"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	d, _ := Parse(nil)
	if d.TLS.Enabled() || d.Lifecycle.Drain().String() != "5s" {
		t.Errorf("empty config: tls %v drain %v, want off and 5s", d.TLS.Enabled(), d.Lifecycle.Drain())
	}
}
