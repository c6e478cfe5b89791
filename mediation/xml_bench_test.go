package mediation_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/mediation"
)

// xmlOrder1K is an order of about 1 KiB, the XML twin of the transform
// benchmark's JSON order.
func xmlOrder1K() string { return xmlOrderOf(1024) }

// xmlOrderOf is an order of about size bytes.
func xmlOrderOf(size int) string {
	var s strings.Builder
	s.WriteString(`<order><id>o-4711</id><customer><name>Ada Lovelace</name><tier>gold</tier></customer><total>1234.5</total><items>`)
	for i := 0; s.Len() < size-64; i++ {
		fmt.Fprintf(&s, `<item><sku>SKU-%05d</sku><qty>%d</qty><price>%d.25</price></item>`, i, i%7+1, i%90+10)
	}
	s.WriteString(`</items></order>`)
	return s.String()
}

// BenchmarkXMLRead is one XPath read of a fresh 1 KiB XML body per round,
// as a <filter xpath> (Bool) or a <property expression> (String) does once
// per request: the body's scan or parse is included.
func BenchmarkXMLRead(b *testing.B) {
	body := xmlOrder1K()
	cases := []struct {
		name, expr string
		asBool     bool
	}{
		{"filter-fast", "$body/order/customer/tier", true},
		{"property-fast", "$body/order/customer/name", false},
		{"property-descendant-fast", "//customer/name", false},
		{"filter-full", "$body/order/total > 100", true},
		{"property-full", "string($body/order/customer/name)", false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			e := mustCompile(b, c.expr, nil)
			mc := newMC(b, msg{body: body, ct: "application/xml"})
			b.ReportAllocs()
			for b.Loop() {
				mc.Req.SetBodyString(body)
				mc.InvalidatePayload()
				var err error
				if c.asBool {
					_, err = e.Bool(mc)
				} else {
					_, err = e.String(mc)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkXMLJSONConvert is a 1 KiB and a 100 KiB payload written in the
// other format on the wire (messageType), both ways.
func BenchmarkXMLJSONConvert(b *testing.B) {
	for _, size := range []int{1 << 10, 100 << 10} {
		xmlBody := xmlOrderOf(size)
		conv := newMC(b, msg{body: xmlBody, ct: "application/xml"})
		conv.SetProperty(mediation.ScopeAxis2, "messageType", "application/json")
		if err := conv.SerializeForWire(); err != nil {
			b.Fatal(err)
		}
		jsonBody := string(conv.Body())
		suffix := ""
		if size > 1<<10 {
			suffix = fmt.Sprintf("-%dKB", size>>10) // 1 KiB keeps the names of earlier runs
		}
		for _, c := range []struct{ name, body, ct, to string }{
			{"xml-to-json" + suffix, xmlBody, "application/xml", "application/json"},
			{"json-to-xml" + suffix, jsonBody, "application/json", "application/xml"},
		} {
			b.Run(c.name, func(b *testing.B) {
				mc := newMC(b, msg{body: c.body, ct: c.ct})
				b.ReportAllocs()
				for b.Loop() {
					mc.Req.SetBodyString(c.body)
					mc.Req.Header.SetContentType(c.ct)
					mc.InvalidatePayload()
					mc.SetProperty(mediation.ScopeAxis2, "messageType", c.to)
					if err := mc.SerializeForWire(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
