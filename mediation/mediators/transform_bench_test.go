package mediators

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/mediation"
	"github.com/valyala/fasthttp"
)

// BenchmarkPayloadFactoryTransform is the cost of a typical payloadFactory
// transform (three arguments read from the request, a new body written) on
// a 1 KB and a 100 KB body, JSON (json-eval) and XML (XPath). Each round
// puts the original body back and resets the context, so the body is parsed
// every time, as it is once per request; that copy is included.
func BenchmarkPayloadFactoryTransform(b *testing.B) {
	const (
		jsonPF = `<payloadFactory media-type="json"><format>{"id":"$1","customer":"$2","total":$3}</format><args>` +
			`<arg evaluator="json" expression="$.order.id"/><arg evaluator="json" expression="$.order.customer.name"/>` +
			`<arg evaluator="json" expression="$.order.total"/></args></payloadFactory>`
		xmlPF = `<payloadFactory media-type="xml"><format><result xmlns=""><id>$1</id><customer>$2</customer><total>$3</total></result></format><args>` +
			`<arg evaluator="xml" expression="$body/order/id"/><arg evaluator="xml" expression="$body/order/customer/name"/>` +
			`<arg evaluator="xml" expression="$body/order/total"/></args></payloadFactory>`
	)
	cases := []struct {
		format, src, ctype string
		body               func(size int) string
		want               string
	}{
		{"json", jsonPF, "application/json", jsonOrder, `"customer":"Ada Lovelace"`},
		{"xml", xmlPF, "application/xml", xmlOrder, `<customer>Ada Lovelace</customer>`},
	}
	for _, c := range cases {
		for _, size := range []int{1 << 10, 100 << 10} {
			b.Run(fmt.Sprintf("%s-%dKB", c.format, size>>10), func(b *testing.B) {
				l, _, err := compileSnippet(c.src)
				if err != nil {
					b.Fatal(err)
				}
				body := []byte(c.body(size))
				req, resp := &fasthttp.Request{}, &fasthttp.Response{}
				raw := "POST /orders/1.0.0/o HTTP/1.1\r\nHost: h\r\nContent-Type: " + c.ctype + "\r\n\r\n"
				if err := req.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
					b.Fatal(err)
				}
				mc := &mediation.MessageContext{}
				round := func() {
					req.SetBody(body)
					mc.Reset(req, resp)
					if _, err := l.Mediate(mc); err != nil {
						b.Fatal(err)
					}
				}
				round()
				if out := string(mc.Body()); !strings.Contains(out, c.want) || !strings.Contains(out, "o-4711") {
					b.Fatalf("transform output %q lacks %s and o-4711", out, c.want)
				}
				b.ReportAllocs()
				b.SetBytes(int64(len(body)))
				b.ResetTimer()
				for b.Loop() {
					round()
				}
			})
		}
	}
}

// jsonOrder is an order of about size bytes: the fields the transform reads
// first, then line items as padding.
func jsonOrder(size int) string {
	var s strings.Builder
	s.WriteString(`{"order":{"id":"o-4711","customer":{"name":"Ada Lovelace","tier":"gold"},"total":1234.5,"items":[`)
	for i := 0; s.Len() < size-64; i++ {
		if i > 0 {
			s.WriteByte(',')
		}
		fmt.Fprintf(&s, `{"sku":"SKU-%05d","qty":%d,"price":%d.25}`, i, i%7+1, i%90+10)
	}
	s.WriteString(`]}}`)
	return s.String()
}

// xmlOrder is jsonOrder's XML twin.
func xmlOrder(size int) string {
	var s strings.Builder
	s.WriteString(`<order><id>o-4711</id><customer><name>Ada Lovelace</name><tier>gold</tier></customer><total>1234.5</total><items>`)
	for i := 0; s.Len() < size-64; i++ {
		fmt.Fprintf(&s, `<item><sku>SKU-%05d</sku><qty>%d</qty><price>%d.25</price></item>`, i, i%7+1, i%90+10)
	}
	s.WriteString(`</items></order>`)
	return s.String()
}

// BenchmarkXMLScenario is the mediation of tests/bench/xml.sh's `xml`
// scenario on one MessageContext, without the network: the 1 KiB XML POST
// (tests/bench/xml-body.xml) through repo-xml's In sequence (an XPath
// <filter>, an XML payloadFactory with 3 XPath args) and the wire write
// of the request, then the bench backend's 75-byte JSON answer through the
// Out sequence (messageType application/xml) and its wire write as XML.
// Each round resets the context and puts both bodies back, as a request
// does. BenchmarkChainXML (cmd/seqgate) is the same through the gateway.
func BenchmarkXMLScenario(b *testing.B) {
	dir := filepath.Join("..", "..", "tests", "bench")
	body, err := os.ReadFile(filepath.Join(dir, "xml-body.xml"))
	if err != nil {
		b.Fatal(err)
	}
	seqDir := filepath.Join(dir, "repo-xml", "repository", "deployment", "server", "synapse-configs", "default", "sequences")
	var lists [2]mediation.List
	for i, n := range []string{"xml_in.xml", "xml_out.xml"} {
		src, err := os.ReadFile(filepath.Join(seqDir, n))
		if err != nil {
			b.Fatal(err)
		}
		if lists[i], _, err = compileXML(n, string(src)); err != nil {
			b.Fatal(err)
		}
	}
	answer := []byte(`{"status":"ok","service":"bench-backend","items":[1,2,3],"message":"hello"}`)
	req, resp := &fasthttp.Request{}, &fasthttp.Response{}
	mc := &mediation.MessageContext{}
	round := func() {
		req.Reset()
		resp.Reset()
		req.Header.SetMethod("POST")
		req.SetRequestURI("/bench/1.0.0/")
		req.Header.SetContentType("application/xml")
		req.SetBody(body)
		mc.Reset(req, resp)
		if _, err := lists[0].Mediate(mc); err != nil {
			b.Fatal(err)
		}
		if err := mc.SerializeForWire(); err != nil {
			b.Fatal(err)
		}
		resp.Header.SetContentType("application/json")
		resp.SetBody(answer)
		mc.Dir = mediation.Out
		mc.InvalidatePayload()
		if _, err := lists[1].Mediate(mc); err != nil {
			b.Fatal(err)
		}
		if err := mc.SerializeForWire(); err != nil {
			b.Fatal(err)
		}
	}
	round()
	const wantReq = `<order xmlns=""><id>ord-20261125-000042</id><customer>Ada Lovelace</customer><total>1234.5</total></order>`
	if got := string(req.Body()); got != wantReq {
		b.Fatalf("request body %q, want %q", got, wantReq)
	}
	if got := string(resp.Body()); !strings.HasPrefix(got, "<jsonObject><status>ok</status>") || string(resp.Header.ContentType()) != "application/xml" {
		b.Fatalf("answer %s %q, want XML", resp.Header.ContentType(), got)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		round()
	}
}
