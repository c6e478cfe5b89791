package config

import (
	"strings"
	"testing"
)

// TestUnknownKeySuggestion: an unknown key is reported with its key path
// and the nearest key of its own section (nested structs and list items
// included); a key far from every known one lists the known keys instead.
func TestUnknownKeySuggestion(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"apis:\n  - name: a\n  - name: b\n    contxt: /b\n", "f.yaml:4: apis[1].contxt: unknown key; did you mean \"context\"?"},
		{"listen:\n  htp: x\n", "f.yaml:2: listen.htp: unknown key; did you mean \"http\"?"},
		{"tls:\n  backend:\n    zzzzzz: x\n", "f.yaml:3: tls.backend.zzzzzz: unknown key (known: ca, cert, key)"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.yaml))
		if err == nil {
			t.Fatalf("%q: no error", c.yaml)
		}
		got := Locate("f.yaml", []byte(c.yaml), err).Error()
		if !strings.Contains(got, c.want) {
			t.Errorf("%q:\n got %s\nwant %s", c.yaml, got, c.want)
		}
	}
}

// TestSyntaxLine: yaml.v3 reports an indentation error at the start of
// the enclosing block; syntaxLine finds the mis-indented line.
func TestSyntaxLine(t *testing.T) {
	data := "a: 1\nlisten:\n  http: x\n  # c\n\n admin: y\n"
	_, err := Parse([]byte(data))
	if err == nil {
		t.Fatal("no error")
	}
	if got := Locate("f.yaml", []byte(data), err).Error(); !strings.HasPrefix(got, "f.yaml:6: did not find expected key") {
		t.Errorf("got %q, want line 6", got)
	}
}
