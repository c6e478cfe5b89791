package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExpandValue(t *testing.T) {
	env := map[string]string{"HOST": "db", "EMPTY": "", "LOOP": "${HOST}", "PORT": "5432"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cases := []struct {
		in, want, err string
	}{
		{"plain", "plain", ""},
		{"${HOST}", "db", ""},
		{"http://${HOST}:${PORT}/x", "http://db:5432/x", ""},
		{"$env{HOST}", "db", ""},
		{"${MISSING:-fallback}", "fallback", ""},
		{"${EMPTY:-fallback}", "fallback", ""},
		{"${EMPTY}", "", ""},
		{"${MISSING:-}", "", ""},
		{"${HOST:-fallback}", "db", ""},
		{"${LOOP}", "${HOST}", ""},                     // not recursive
		{"$${HOST}", "${HOST}", ""},                    // escape
		{"$$env{HOST}", "$env{HOST}", ""},              // escape
		{"cost $5 and $HOST", "cost $5 and $HOST", ""}, // a lone $ is kept
		{"${MISSING}", "", "environment variable MISSING is not set"},
		{"$env{MISSING}", "", "environment variable MISSING is not set"},
		{"${HOST", "", "unterminated ${"},
		{"${1BAD}", "", "is not an environment variable name"},
		{"${}", "", "is not an environment variable name"},
	}
	for _, tc := range cases {
		got, _, err := expandValue(tc.in, lookup)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: got %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestEnvSubstitutionFile(t *testing.T) {
	t.Setenv("SG_TEST_HTTP", "127.0.0.1:18080")
	t.Setenv("SG_TEST_TOKEN", "s3cret: #not-a-comment")
	t.Setenv("SG_TEST_CONNS", "42")
	t.Setenv("SG_TEST_BACKEND", "http://backend.local:9")
	t.Setenv("SG_NOT_IN_COMMENT", "") // unset would be fine too: comments are not read
	c, err := Load(filepath.Join("testdata", "env.yaml"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"quoted", c.Listen.HTTP, "127.0.0.1:18080"},
		{"default", c.Listen.Admin, "off"},
		{"$env{} with yaml syntax in the value", c.Listen.AdminToken, "s3cret: #not-a-comment"},
		{"plain re-resolved as int", c.Limits.MaxConns, 42},
		{"duration default", c.Timeouts.Backend.D(), 7 * time.Second},
		{"inside a flow sequence", c.APIs[0].Backend[0], "http://backend.local:9/base"},
		{"escaped", c.Applications[0].Keys[0], "literal-${NOT_A_VAR}"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s: got %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

func TestEnvErrorsLocated(t *testing.T) {
	cases := []struct {
		name, yaml string
		env        map[string]string
		want       []string // each a line of the error, after "<file>"
	}{
		{"unset", "# comment\nlisten:\n  http: ${SG_TEST_UNSET_A}\n", nil,
			[]string{":3: environment variable SG_TEST_UNSET_A is not set"}},
		{"unset and unknown key", "listen:\n  htp: x\n  http: \"$env{SG_TEST_UNSET_B}\"\n", nil,
			[]string{":2: listen.htp: unknown key", ":3: environment variable SG_TEST_UNSET_B is not set"}},
		{"unset, no second error on its line", "limits:\n  max_conns: ${SG_TEST_UNSET_C}\n", nil,
			[]string{":2: environment variable SG_TEST_UNSET_C is not set"}},
		{"bad type after substitution", "\n\nlimits:\n  max_conns: ${SG_TEST_N}\n", map[string]string{"SG_TEST_N": "many"},
			[]string{":4: "}},
		{"bad duration after substitution", "timeouts:\n  read: ${SG_TEST_D}\n", map[string]string{"SG_TEST_D": "soon"},
			[]string{":2: \"soon\" is not a duration"}},
		{"keys are not substituted", "listen:\n  ${SG_TEST_K}: x\n", map[string]string{"SG_TEST_K": "http"},
			[]string{":2: listen.${SG_TEST_K}: unknown key"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
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
			if strings.Contains(err.Error(), "${SG_TEST_UNSET") && strings.Contains(err.Error(), "unmarshal") {
				t.Errorf("error\n%s\nalso reports the unexpanded value", err)
			}
		})
	}
}

func TestEnvAliasExpandedOnce(t *testing.T) {
	t.Setenv("SG_TEST_ALIAS", "$${x}")
	c, err := Parse([]byte("listen:\n  http: &a ${SG_TEST_ALIAS}\n  https: *a\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen.HTTP != "$${x}" || c.Listen.HTTPS != "$${x}" {
		t.Fatalf("got %q %q, want the value unexpanded", c.Listen.HTTP, c.Listen.HTTPS)
	}
}
