package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAdminAccess(t *testing.T) {
	cases := []struct {
		name, yaml, wantErr string
	}{
		{"default is loopback", "", ""},
		{"ipv6 loopback", "listen: {admin: '[::1]:9765'}", ""},
		{"localhost", "listen: {admin: 'localhost:9765'}", ""},
		{"off", "listen: {admin: 'off'}", ""},
		{"all interfaces without token", "listen: {admin: ':9765'}", "listen.admin: \":9765\" is not a loopback address"},
		{"other address without token", "listen: {admin: '10.0.0.5:9765'}", "is not a loopback address"},
		{"all interfaces with token", "listen: {admin: ':9765', admin_token: 0123456789abcdef}", ""},
		{"short token", "listen: {admin: ':9765', admin_token: short}", "listen.admin_token: shorter than 16"},
		{"both token and file", "listen: {admin: ':9765', admin_token: 0123456789abcdef, admin_token_file: t}", "set one, not both"},
		{"not host port", "listen: {admin: 'nonsense'}", "is not host:port"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Parse([]byte(c.yaml))
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if c.yaml == "" && (cfg.Listen.Admin != DefaultAdmin || !cfg.Listen.AdminLoopback()) {
					t.Errorf("default admin %q is not loopback", cfg.Listen.Admin)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %v, want %q", err, c.wantErr)
			}
		})
	}
}

func TestAdminTokenFile(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "c.yaml")
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(cfgPath, "listen: {admin: ':9765', admin_token_file: token}\n")
	if _, err := Load(cfgPath); err == nil || !strings.Contains(err.Error(), "listen.admin_token_file") {
		t.Fatalf("missing token file: %v", err)
	}
	write(filepath.Join(dir, "token"), "short\n")
	if _, err := Load(cfgPath); err == nil || !strings.Contains(err.Error(), "shorter than") {
		t.Fatalf("short token file: %v", err)
	}
	write(filepath.Join(dir, "token"), "  0123456789abcdef-from-secret\n")
	c, err := Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen.AdminToken != "0123456789abcdef-from-secret" {
		t.Errorf("token %q, want the file's content trimmed", c.Listen.AdminToken)
	}
}

func TestLimitDefaults(t *testing.T) {
	c, err := Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	l, tm := c.Limits, c.Timeouts
	if l.MaxURIBytes != DefaultMaxURIBytes || l.MaxHeaderBytes != DefaultMaxHeaderBytes || l.MaxHeaders != DefaultMaxHeaders ||
		l.MaxConns != DefaultMaxConns || l.MaxXMLElements != DefaultMaxXMLElements || l.MaxJSONKeyLength != DefaultMaxJSONKeyLength ||
		tm.HeaderRead != DefaultHeaderReadTimeout || l.AllowEncodedSlashes {
		t.Errorf("defaults not applied: %+v %+v", l, tm)
	}
	if _, err := Parse([]byte("limits: {max_headers: -1}\ntimeouts: {header_read: -1s}")); err == nil ||
		!strings.Contains(err.Error(), "limits.max_headers: must be positive") || !strings.Contains(err.Error(), "timeouts.header_read: must be positive") {
		t.Errorf("negative limits: %v", err)
	}
}
