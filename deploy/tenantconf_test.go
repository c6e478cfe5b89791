package deploy

import (
	"strings"
	"testing"
)

// TestParseTenantConf: ExtensionHandlerPosition is read case-insensitively,
// absent means the config's, anything but top/bottom and bad JSON are
// refused; the other keys are ignored.
func TestParseTenantConf(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{`{"ExtensionHandlerPosition":"TOP","RESTAPIScopes":{"Scope":[]},"EnableMonetization":false}`, "top", ""},
		{`{"ExtensionHandlerPosition":" bottom "}`, "bottom", ""},
		{`{"IsUnlimitedTierPaid":false}`, "", ""},
		{`{"ExtensionHandlerPosition":"middle"}`, "", `ExtensionHandlerPosition "middle" is not top or bottom`},
		{`{"ExtensionHandlerPosition":`, "", "not valid JSON"},
	} {
		pos, _, err := parseTenantConf(c.in)
		switch {
		case c.err == "" && err != nil, c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: err %v, want %q", c.in, err, c.err)
		case pos != c.want:
			t.Errorf("%s: position %q, want %q", c.in, pos, c.want)
		}
	}
}
