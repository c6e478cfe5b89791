package mediators

import (
	"io"
	"testing"

	"github.com/seqgate/seqgate/mediation"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// BenchmarkMediators runs each mediator on one reused context, as a pooled
// request would. Header-only mediators should stay at 0-2 allocations.
func BenchmarkMediators(b *testing.B) {
	const req = "POST /orders/1.0.0/o?x=1 HTTP/1.1\nHost: h\nContent-Type: application/json\nX-Trace: t-1\nAuthorization: Bearer abc\n\n{\"a\":1}\n"
	benches := []struct{ name, src string }{
		{"log", `<log level="custom"><property name="trace" expression="$trp:X-Trace"/></log>`},
		{"log-disabled", `<log level="full" category="DEBUG"><property name="trace" expression="$trp:X-Trace"/></log>`},
		{"property", `<property name="ERROR_CODE" value="900901"/>`},
		{"property-transport", `<property name="X-Added" value="1" scope="transport"/>`},
		{"property-expression", `<property name="tok" expression="$trp:Authorization" pattern="Bearer (.*)" group="1"/>`},
		{"header", `<header name="X-Added" value="1" scope="transport"/>`},
		{"filter", `<filter source="$trp:X-Trace" regex="t-\d+"><then><property name="a" value="b"/></then></filter>`},
		{"switch", `<switch source="$trp:X-Trace"><case regex="x"/><case regex="t-1"><property name="a" value="b"/></case></switch>`},
		{"payloadFactory", `<payloadFactory media-type="json"><format>{"code":"$1","message":"$2"}</format><args><arg value="900901"/><arg expression="$trp:X-Trace"/></args></payloadFactory>`},
		{"respond", `<respond/>`},
		{"drop", `<drop/>`},
		{"loopback", `<loopback/>`},
		{"sequence", `<sequence key="target"/>`},
	}
	target, _, err := compileSnippet(`<property name="in" value="target"/>`)
	if err != nil {
		b.Fatal(err)
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			l, _, err := compileSnippet(bb.src)
			if err != nil {
				b.Fatal(err)
			}
			e := newEnv(b, req, "")
			e.mc.Logger = zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(io.Discard), zapcore.InfoLevel))
			e.mc.Sequences = seqMap{"target": target}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := l.Mediate(e.mc); err != nil {
					b.Fatal(err)
				}
				e.mc.Outcome = mediation.Continue
			}
		})
	}
}
