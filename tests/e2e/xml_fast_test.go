package e2e

import (
	"strings"
	"testing"
)

// TestXMLFastPathThroughGateway: an XPath <filter> and a payloadFactory
// with $body, absolute and // arguments give the same answers through the
// binary whether the body takes the byte-scan fast path (plain XML, SOAP)
// or the full one (a character reference, a default namespace, a mixed
// element), and a malformed body is still refused with 400.
func TestXMLFastPathThroughGateway(t *testing.T) {
	t.Parallel()
	in := seq("admin--Orders:v1.0.0--In",
		`<filter xpath="//order/customer/tier"><then>`+
			`<payloadFactory media-type="xml"><format><r xmlns=""><id>$1</id><name>$2</name><tier>$3</tier></r></format><args>`+
			`<arg evaluator="xml" expression="$body/order/id"/>`+
			`<arg evaluator="xml" expression="//customer/name/text()"/>`+
			`<arg evaluator="xml" expression="/soapenv:Envelope/soapenv:Body/order/customer/tier"/>`+
			`</args></payloadFactory></then>`+
			`<else><payloadFactory media-type="xml"><format><none xmlns=""/></format><args/></payloadFactory></else></filter>`,
		`<property name="HTTP_SC" value="200" scope="axis2"/>`, `<respond/>`)
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI()}}, seqFile{0, "orders_in.xml", in})
	cases := []struct{ name, ct, body, want string }{
		{"plain", "application/xml",
			`<?xml version="1.0" encoding="UTF-8"?><order><id>o-1</id><customer><name>Ada &amp; Co</name><tier> gold </tier></customer></order>`,
			`<r xmlns=""><id>o-1</id><name>Ada &amp; Co</name><tier>gold</tier></r>`},
		{"soap", "text/xml",
			`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><order><id>s-1</id><customer><name><![CDATA[A<B]]></name><tier>x</tier></customer></order></soapenv:Body></soapenv:Envelope>`,
			`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><r xmlns=""><id>s-1</id><name>A&lt;B</name><tier>x</tier></r></soapenv:Body></soapenv:Envelope>`},
		{"char-ref (full path)", "application/xml",
			`<order><id>o-&#50;</id><customer><name>N</name><tier>t</tier></customer></order>`,
			`<r xmlns=""><id>o-2</id><name>N</name><tier>t</tier></r>`},
		{"no tier", "application/xml", `<order><id>o-3</id></order>`, `<none xmlns=""/>`},
		{"default namespace (full path)", "application/xml",
			`<order xmlns="urn:o"><id>o-4</id><customer><name>N</name><tier>t</tier></customer></order>`,
			`<r xmlns=""><id>o-4</id><name>N</name><tier>t</tier></r>`},
	}
	for _, c := range cases {
		r := g.doReq("POST", "/orders/1.0.0/q", withKey(keyApp1, "Content-Type", c.ct), c.body)
		if got := strings.TrimSpace(string(r.Body)); r.Status != 200 || got != c.want {
			t.Errorf("%s: status %d body %s\nwant %s", c.name, r.Status, got, c.want)
		}
	}
	r := g.doReq("POST", "/orders/1.0.0/q", withKey(keyApp1, "Content-Type", "application/xml"), `<order><id>o</id></orderx>`)
	if r.Status != 400 {
		t.Errorf("malformed body: status %d body %s, want 400", r.Status, r.Body)
	}
}
