package mediators

import (
	"net"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkCallout is the deprecated blocking callout to a real SOAP
// service on 127.0.0.1: the source (the Body's first child) sent in a SOAP
// 1.1 envelope, the round trip, and the answer's payload put in place of
// the target (the Body's first child again), the corpus's form.
func BenchmarkCallout(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	s := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("text/xml")
		ctx.SetBodyString(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` +
			`<m:quote xmlns:m="urn:q"><m:price>42</m:price></m:quote></s:Body></s:Envelope>`)
	}}
	go func() { _ = s.Serve(ln) }()
	b.Cleanup(func() { _ = s.Shutdown() })
	ns := `xmlns:s11="http://schemas.xmlsoap.org/soap/envelope/"`
	l, _, err := compileSnippet(`<callout serviceURL="http://` + ln.Addr().String() + `/svc" action="urn:getQuote">` +
		`<source ` + ns + ` xpath="s11:Body/child::*[1]"/><target ` + ns + ` xpath="s11:Body/child::*[1]"/></callout>`)
	if err != nil {
		b.Fatal(err)
	}
	const body = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
		`<getQuote xmlns="urn:q"><symbol>IBM</symbol></getQuote></soapenv:Body></soapenv:Envelope>`
	e := newEnv(b, "POST /api/1.0.0/q HTTP/1.1\nHost: gw\nContent-Type: text/xml\n\n"+body+"\n", "")
	b.ReportAllocs()
	for b.Loop() {
		e.mc.SetBody([]byte(body))
		if _, err := l.Mediate(e.mc); err != nil {
			b.Fatal(err)
		}
	}
	if !strings.Contains(string(e.mc.Body()), "<m:price>42</m:price>") {
		b.Fatalf("callout did not put the answer in place: %s", e.mc.Body())
	}
}
