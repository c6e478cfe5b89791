package exprlang_test

import (
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/seqgate/seqgate/mediation"
)

func TestExprLang(t *testing.T) {
	m := msg{Body: "@order.json", CT: "application/json", Props: props,
		URI:     "http://localhost/shop/1.0/orders?q=books&page=2",
		Headers: map[string]string{"X-Trace": "t-1", "Accept": "text/xml"}, Axis2: map[string]string{"myFlag": "on"}}
	cases := []struct {
		name, expr string
		want       string
		wantBool   bool
		needsBody  bool
	}{
		{"payload field", "${payload.order.customer}", "Ann Lee", true, true},
		{"dollar path", "${$.order.id}", "42", true, true},
		{"bracket member", `${payload["order"]["total"]}`, "19.5", true, true},
		{"array index", "${payload.items[1].sku}", "B-2", true, true},
		{"object as json", "${payload.items[0]}", `{"sku":"A-1","qty":2,"price":5}`, true, true},
		{"missing member empty", "${payload.nope.deeper}", "", false, true},
		{"exists missing", "${exists(payload.nope.deeper)}", "false", false, true},
		{"exists present", "${exists(payload.order)}", "true", true, true},
		{"header dot", "${headers.Accept}", "text/xml", true, false},
		{"header bracket", `${headers["X-Trace"]}`, "t-1", true, false},
		{"synapse prop", "${props.synapse.a}", "alpha", true, false},
		{"properties alias", "${properties.axis2.myFlag}", "on", true, false},
		{"var", "${var.user}", "ann", true, false},
		{"query param", "${params.queryParams.q}", "books", true, false},
		{"uri param", "${params.uriParams.id}", "7", true, false},
		{"arithmetic on payload", "${payload.order.id + 1}", "43", true, true},
		{"comparison", "${payload.items[0].qty > 1 && payload.order.express}", "true", true, true},
		{"words operators", "${not (1 > 2) and (true or false)}", "true", true, false},
		{"ternary", `${var.n == "5" ? "five" : "other"}`, "five", true, false},
		{"string concat", `${toUpper(var.user) + "-" + toLower("X")}`, "ANN-x", true, false},
		{"length of array", "${length(payload.items)}", "2", true, true},
		{"length of string", `${length("héllo")}`, "5", true, false},
		{"subString", `${subString("gateway", 0, 4)}`, "gate", true, false},
		{"startsWith", `${startsWith(var.user, "an")}`, "true", true, false},
		{"contains", `${contains("abc", "d")}`, "false", false, false},
		{"replace split", `${split(replace("a-b-c", "-", ","), ",")[2]}`, "c", true, false},
		{"indexOf", `${indexOf("hello", "l")}`, "2", true, false},
		{"round floor", "${round(2.5) + floor(1.9)}", "4", true, false},
		{"base64", `${base64decode(base64encode("ann:pw"))}`, "ann:pw", true, false},
		{"urlEncode", `${urlEncode("a b")}`, "a+b", true, false},
		{"isNumber", "${isNumber(payload.order.id)}", "true", true, true},
		{"integer of string", `${integer("12") * 2}`, "24", true, false},
		{"null literal", "${payload.order.note == null}", "true", true, true},
		{"eval error is empty", `${subString("ab", 5)}`, "", false, false},
		{"string literal untouched", `${"payload.x headers"}`, "payload.x headers", true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := mustCompile(t, tc.expr, nil)
			if e.NeedsBody() != tc.needsBody {
				t.Errorf("NeedsBody = %v, want %v", e.NeedsBody(), tc.needsBody)
			}
			mc := newMC(t, m)
			got, err := e.String(mc)
			if err != nil || got != tc.want {
				t.Errorf("String = %q, %v; want %q", got, err, tc.want)
			}
			b, err := e.Bool(mc)
			if err != nil || b != tc.wantBool {
				t.Errorf("Bool = %v, %v; want %v", b, err, tc.wantBool)
			}
		})
	}
}

func TestExprLangCompileErrors(t *testing.T) {
	cases := []struct{ expr, want string }{
		{"${}", "empty"},
		{"${headers}", "headers needs a name"},
		{"${props.nowhere.x}", "unknown scope props.nowhere"},
		{"${params.functionParams.x}", "not supported"},
		{"${config.key}", "config is not supported"},
		{`${"abc}`, "unterminated string"},
		{"${1 +}", "${1 +}"},
		{"${" + strings.Repeat("1+", 2000) + "1}", "${"},
	}
	for _, tc := range cases {
		t.Run(tc.expr[:min(len(tc.expr), 30)], func(t *testing.T) {
			_, err := mediationCompile(tc.expr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestExprLangNoBuiltins(t *testing.T) {
	for _, src := range []string{"${map(payload.items, #.qty)}", "${len(\"ab\")}", "${filter(1..3, # > 1)}"} {
		if _, err := mediationCompile(src); err == nil {
			t.Errorf("%s compiled; expr-lang builtins should be off", src)
		}
	}
}

// TestExprLangErrorRecorded: an expression that fails at run time still
// evaluates to nothing (Synapse), and the failure shows in the trace of a
// traced request and at debug level in the log.
func TestExprLangErrorRecorded(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	for _, src := range []string{`${subString("ab", 5)}`, `${var.nope + 1}`} {
		e := mustCompile(t, src, nil)
		mc := newMC(t, msg{})
		mc.Trace = mediation.NewTrace()
		mc.Logger = zap.New(core)
		if s, err := e.String(mc); s != "" || err != nil {
			t.Errorf("%s = %q, %v; want nothing", src, s, err)
		}
		if len(mc.Trace.Steps) != 1 || mc.Trace.Steps[0].Mediator != "expression" ||
			!strings.HasPrefix(mc.Trace.Steps[0].Outcome, "error: "+src+": ") {
			t.Errorf("%s: trace %+v, want one expression step with the error", src, mc.Trace.Steps)
		}
		if got := logs.FilterField(zap.String("expression", src)).Len(); got != 1 {
			t.Errorf("%s: %d debug lines, want 1", src, got)
		}
	}
	// No trace, logger above debug: nothing recorded, nothing breaks.
	mc := newMC(t, msg{})
	mc.Logger = zap.NewNop()
	if v, err := mustCompile(t, `${subString("ab", 5)}`, nil).String(mc); v != "" || err != nil {
		t.Errorf("untraced: %v, %v", v, err)
	}
}
