package mediators

import (
	"net"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// startQuoteBackend answers on 127.0.0.1 with a JSON quote naming the
// method, path and body it received, and a status from ?status=.
func startQuoteBackend(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		if st := ctx.QueryArgs().GetUintOrZero("status"); st > 0 {
			ctx.SetStatusCode(st)
		}
		ctx.Response.Header.Set("X-Backend", "quote")
		ctx.SetContentType("application/json")
		ctx.SetBodyString(`{"m":"` + string(ctx.Method()) + `","p":"` + string(ctx.Path()) + `","b":"` + string(ctx.PostBody()) + `"}`)
	}}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Shutdown() })
	return "http://" + ln.Addr().String()
}

// TestCallAndSendReceive runs call and send receive= against a real
// backend and checks the parts of the transcript that matter.
func TestCallAndSendReceive(t *testing.T) {
	be := startQuoteBackend(t)
	const post = "POST /api/1.0.0/q HTTP/1.1\nHost: gw\nContent-Type: text/plain\nAuthorization: Bearer x\n\nhello\n"
	credit, _, err := compileSnippet(`<log level="custom"><property name="got" expression="json-eval($.p)"/></log><send/>`)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, src, resp string
		want            []string
	}{
		{"call replaces the request message and continues",
			`<property name="uri.var.sym" value="IBM"/>
			 <call blocking="true"><endpoint><http method="POST" uri-template="` + be + `/quote/{uri.var.sym}"/></endpoint></call>
			 <property name="m" expression="json-eval($.m)"/>`, "",
			[]string{"result: true", `ctx:m = "POST"`, `{"m":"POST","p":"/quote/IBM","b":"hello"}`, "Content-Type: application/json",
				"Authorization: Bearer x", "status: 200"}},
		{"blocking=false behaves as blocking", `<call><endpoint><address uri="` + be + `/a?status=201"/></endpoint></call>`, "",
			[]string{"result: true", `"p":"/a"`, "status: 201"}},
		{"call on the response path replaces the response", `<call blocking="true"><endpoint><http method="get" uri-template="` + be + `/enrich"/></endpoint></call>`,
			"HTTP/1.1 200 OK\nContent-Type: text/plain\n\nbackend\n",
			[]string{"result: true", "HTTP/1.1 200", `{"m":"GET","p":"/enrich","b":""}`}},
		{"call a 500 is a result, not an error", `<call blocking="true"><endpoint><address uri="` + be + `/x?status=500"/></endpoint></call>`, "",
			[]string{"result: true", "status: 500"}},
		{"send receive hands the answer to the sequence", `<send receive="creditSeq"><endpoint><address uri="` + be + `/credit"/></endpoint></send>`, "",
			[]string{"result: false", "outcome: respond", `ctx:RESPONSE = "true"`, `got = /credit`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := run(t, tc.src, post, tc.resp, seqMap{"creditSeq": credit})
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("transcript lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

// BenchmarkCall is a blocking call to a real backend on 127.0.0.1: the
// copy of the message, the round trip and the replacement.
func BenchmarkCall(b *testing.B) {
	be := startQuoteBackend(b)
	l, _, err := compileSnippet(`<call blocking="true"><endpoint><address uri="` + be + `/q"/></endpoint></call>`)
	if err != nil {
		b.Fatal(err)
	}
	e := newEnv(b, "POST /api/1.0.0/q HTTP/1.1\nHost: gw\nContent-Type: text/plain\n\nhello\n", "")
	b.ReportAllocs()
	for b.Loop() {
		e.mc.Req.SetBodyString("hello")
		if _, err := l.Mediate(e.mc); err != nil {
			b.Fatal(err)
		}
	}
}
