package mediators

import (
	"io"
	"math"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/mediation"
	"github.com/valyala/fasthttp"
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
		{"in", `<in><property name="a" value="b"/></in>`},
		{"out-skipped", `<out><property name="a" value="b"/></out>`},
		{"builder", `<builder><messageBuilder contentType="application/json"/></builder>`},
		{"makefault-soap11", `<makefault version="soap11"><code expression="$ctx:SOAP_FAULT_CODE"/><reason value="Authentication Failure"/><detail expression="$trp:X-Trace"/></makefault>`},
		{"makefault-soap12", `<makefault version="soap12"><code value="soap12Env:Receiver" xmlns:soap12Env="http://www.w3.org/2003/05/soap-envelope"/><reason expression="$trp:X-Trace"/></makefault>`},
		// Synapse samples 7 and 370: no version, a SOAP 1.2 code selects SOAP 1.2.
		{"makefault-soap12-implied", `<makefault><code value="tns:Receiver" xmlns:tns="http://www.w3.org/2003/05/soap-envelope"/><reason value="Invalid custom quote request"/></makefault>`},
		{"class-noop", `<class name="org.wso2.carbon.apimgt.usage.publisher.APIMgtThrottleUsageHandler"/>`},
		{"class-regex-protector", `<property name="regex" value=".*drop\s+table.*|.*'.*"/><property name="threatType" value="SQL-Injection"/><class name="org.wso2.carbon.apimgt.gateway.mediators.RegularExpressionProtector"/>`},
		{"script", `<script language="expr">mc.setProperty("trace", mc.getHeader("X-Trace")); mc.getProperty("trace") != "blocked"</script>`},
		{"script-js", `<script language="js">mc.setProperty("trace", mc.getHeader("X-Trace")); if (mc.getProperty("trace") == "blocked") return false;</script>`},
		{"script-js-payload", `<script language="js">var p = mc.getPayloadJSON(); p.b = p.a + 1; mc.setPayloadJSON(p);</script>`},
		{"validate", `<validate><schema>{"type":"object","properties":{"a":{"type":"integer"}}}</schema><on-fail><drop/></on-fail></validate>`},
		{"enrich-body-property-body", `<enrich><source type="body"/><target type="property" property="MessageBody"/></enrich><enrich><source type="property" property="MessageBody"/><target type="body"/></enrich>`},
		{"enrich-json-path", `<enrich><source type="inline">1</source><target xpath="json-eval($.a)"/></enrich>`},
		{"send", `<send/>`},
		{"send-endpoint", `<send><endpoint><address uri="http://127.0.0.1:9/x"/></endpoint></send>`},
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

// BenchmarkCacheThrottle measures the stateful mediators: a cache miss
// (hash + pending key), a cache hit (hash + lookup + cached response put in
// place; the copy of the pristine request each round is included), a
// throttle rate check, and a concurrency slot taken and given back.
func BenchmarkCacheThrottle(b *testing.B) {
	const req = "GET /orders/1.0.0/o?x=1 HTTP/1.1\nHost: h\nAccept: application/json\nX-Trace: t-1\nAuthorization: Bearer abc\n\n"
	mustCompile := func(src string) mediation.List {
		l, _, err := compileSnippet(src)
		if err != nil {
			b.Fatal(err)
		}
		return l
	}
	policy := `<policy><wsp:Policy ` + policyNS + `>%s</wsp:Policy></policy>`
	finder := mustCompile(`<cache id="bench" timeout="600"/>`)
	collector := mustCompile(`<cache collector="true"/>`)
	rate := mustCompile(`<throttle id="bench-rate">` + strings.Replace(policy, "%s",
		`<throttle:MaximumCount>1000000000</throttle:MaximumCount><throttle:UnitTime>3600000</throttle:UnitTime>`, 1) + `</throttle>`)
	conc := mustCompile(`<throttle id="bench-conc">` + strings.Replace(policy, "%s",
		`<throttle:MaximumConcurrentAccess>10</throttle:MaximumConcurrentAccess>`, 1) + `</throttle>`)
	release := mustCompile(`<throttle id="bench-conc"/>`)

	b.Run("cache-miss", func(b *testing.B) {
		e := newEnv(b, req, "")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := finder.Mediate(e.mc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cache-hit", func(b *testing.B) {
		e := newEnv(b, req, "HTTP/1.1 200 OK\nContent-Type: application/json\nX-Backend: 1\n\n{\"a\":1}\n")
		pristine := &fasthttp.Request{}
		e.mc.Req.CopyTo(pristine)
		e.mc.Dir = mediation.In
		finder.Mediate(e.mc)
		e.mc.Dir = mediation.Out
		collector.Mediate(e.mc)
		b.ReportAllocs()
		for b.Loop() {
			pristine.CopyTo(e.mc.Req)
			e.mc.Reset(e.mc.Req, e.mc.Resp)
			if cont, err := finder.Mediate(e.mc); cont || err != nil {
				b.Fatal("expected a hit", err)
			}
		}
	})
	b.Run("throttle-rate", func(b *testing.B) {
		e := newEnv(b, req, "")
		e.mc.Axis2.Set("REMOTE_ADDR", "10.1.2.3")
		b.ReportAllocs()
		for b.Loop() {
			if cont, err := rate.Mediate(e.mc); !cont || err != nil {
				b.Fatal("rejected", err)
			}
		}
	})
	b.Run("throttle-concurrency", func(b *testing.B) {
		e := newEnv(b, req, "")
		b.ReportAllocs()
		for b.Loop() {
			e.mc.Dir = mediation.In
			if cont, err := conc.Mediate(e.mc); !cont || err != nil {
				b.Fatal("rejected", err)
			}
			e.mc.Dir = mediation.Out
			release.Mediate(e.mc)
		}
	})
}

// BenchmarkScatterGather measures clone, iterate, aggregate and foreach:
// forking the branch contexts, running them on their goroutines and
// merging the answers. The local cases run a one-property target (the cost
// of the machinery alone); iterate-backend sends each of the four parts to
// a real backend on 127.0.0.1. The body is put back each round.
func BenchmarkScatterGather(b *testing.B) {
	be := startScatterBackend(b)
	const req = "POST /orders/1.0.0/o HTTP/1.1\nHost: h\nContent-Type: application/xml\n\n" +
		"<orders><order><id>1</id></order><order><id>2</id></order><order><id>3</id></order><order><id>4</id></order></orders>\n"
	const local = `<target><sequence><property name="p" value="1"/></sequence></target>`
	benches := []struct{ name, src string }{
		{"clone-aggregate", `<clone id="c">` + local + local + `</clone><aggregate id="c"><onComplete expression="//order"/></aggregate>`},
		{"iterate-aggregate", `<iterate id="i" expression="//order">` + local + `</iterate><aggregate id="i"><onComplete expression="//order"/></aggregate>`},
		{"iterate-backend", `<iterate id="i" expression="//order"><target><endpoint><address uri="` + be + `/quote"/></endpoint></target></iterate>
			<aggregate id="i"><onComplete expression="//quote"/></aggregate>`},
		{"foreach", `<foreach expression="//order"><sequence><property name="p" value="1"/></sequence></foreach>`},
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			l, _, err := compileSnippet(bb.src)
			if err != nil {
				b.Fatal(err)
			}
			e := newEnv(b, req, "")
			e.mc.Limits.MaxBranches = math.MaxInt // one context stands for every request: no per-request count
			body := append([]byte(nil), e.mc.Body()...)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				e.mc.SetBody(body)
				if _, err := l.Mediate(e.mc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
