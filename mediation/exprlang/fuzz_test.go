package exprlang_test

import (
	"testing"

	"github.com/seqgate/seqgate/mediation/internal/exprtest"
)

// FuzzExprLang: ${...} expressions on expr-lang.
func FuzzExprLang(f *testing.F) {
	exprtest.FuzzLayer(f, func(s string) string { return "${" + s + "}" }, []string{
		"payload.a[0].b + 1", `headers["Content-Type"]`, "props.synapse.X == '1' ? 'y' : 'n'",
		"exists(payload.x.y)", "length(payload.a)", "vars.v", "1 / 0", "payload..a", "now()",
	})
}
