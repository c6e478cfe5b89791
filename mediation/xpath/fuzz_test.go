package xpath_test

import (
	"testing"

	"github.com/seqgate/seqgate/mediation/internal/exprtest"
)

// FuzzXPath: Synapse XPath (get-property, $ctx:, $trp:, $body, functions).
func FuzzXPath(f *testing.F) {
	exprtest.FuzzLayer(f, func(s string) string { return s }, []string{
		"//m:b/@k", "count(//*)", "concat($ctx:X, $trp:Host, $axis2:HTTP_SC)", "$body/*[1]",
		"get-property('transport', 'Content-Type')", "string-length(//c) = 0", "//b[position() > 1]",
		"substring-before(//m:b, '2')", "$header/foo", "translate('abc','a','b')",
	})
}
