package e2e

import (
	"strings"
	"testing"
)

// TestConvertFastThroughGateway: a messageType change writes the body in
// the other format through the binary with the same bytes whether the
// conversion takes the byte fast path (plain XML, SOAP, JSON) or the full
// one (a character reference, a lone surrogate), both ways, and a
// malformed body is still refused with 400. The expected bodies are
// Synapse's rules as seqgate implements them (jsonObject/jsonArray,
// repeated elements for arrays, typed primitives, "@" attributes, escaped
// names); the old binary gives the same.
func TestConvertFastThroughGateway(t *testing.T) {
	t.Parallel()
	in := seq("admin--Orders:v1.0.0--In",
		`<property name="messageType" expression="$trp:X-To" scope="axis2"/>`,
		`<property name="HTTP_SC" value="200" scope="axis2"/>`, `<respond/>`)
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI()}}, seqFile{0, "orders_in.xml", in})
	const soapOpen = `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>`
	cases := []struct{ name, ct, to, body, want string }{
		{"json to xml", "application/json", "application/xml",
			`{"order":{"id":"o-1","items":[{"sku":"a"},{"sku":"b"}],"one":[7],"n":1.50,"ok":true,"none":null,` +
				`"esc":"<a & 'b'>","$ref":"r","1st":"d","e":{},"u":"caf\u00e9 \ud83d\ude00"}}`,
			`<jsonObject><order><id>o-1</id><items><sku>a</sku></items><items><sku>b</sku></items><one>7</one><n>1.50</n><ok>true</ok>` +
				`<none></none><esc>&lt;a &amp; &#39;b&#39;&gt;</esc><_JsonReader_PS_ref>r</_JsonReader_PS_ref><_JsonReader_PD_1st>d</_JsonReader_PD_1st>` +
				`<e></e><u>café 😀</u></order></jsonObject>`},
		{"json array to soap 1.1", "application/json", "text/xml", `[1,[2,3]]`,
			soapOpen + `<jsonArray><jsonElement>1</jsonElement><jsonElement>2</jsonElement><jsonElement>3</jsonElement></jsonArray></soapenv:Body></soapenv:Envelope>`},
		{"json lone surrogate (full path)", "application/json", "application/xml", `{"a":"\ud800"}`,
			"<jsonObject><a>\uFFFD</a></jsonObject>"},
		{"xml to json", "application/xml", "application/json",
			`<order id="o-1" xmlns:x="urn:x"><x:id>1</x:id><item><sku>a</sku></item><item><sku>b</sku></item><n>007</n><b>true</b><e/>` +
				`<t a="1">x</t><c><![CDATA[<&>]]></c></order>`,
			`{"order":{"@id":"o-1","id":1,"item":[{"sku":"a"},{"sku":"b"}],"n":"007","b":true,"e":null,"t":{"@a":1,"$":"x"},"c":"<&>"}}`},
		{"soap to json", "text/xml", "application/json",
			`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/><soapenv:Body>` +
				`<jsonArray><jsonElement>1</jsonElement><jsonElement><a>x</a></jsonElement></jsonArray></soapenv:Body></soapenv:Envelope>`,
			`[1,{"a":"x"}]`},
		{"xml char ref (full path)", "application/xml", "application/json", `<order><id>&#65;</id></order>`, `{"order":{"id":"A"}}`},
	}
	for _, c := range cases {
		r := g.doReq("POST", "/orders/1.0.0/q", withKey(keyApp1, "Content-Type", c.ct, "X-To", c.to), c.body)
		if got := strings.TrimSpace(string(r.Body)); r.Status != 200 || got != c.want {
			t.Errorf("%s: status %d body %s\nwant %s", c.name, r.Status, got, c.want)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, c.to) {
			t.Errorf("%s: Content-Type %q, want %s", c.name, ct, c.to)
		}
	}
	for _, c := range []struct{ ct, to, body string }{
		{"application/json", "application/xml", `{"a":1,}`},
		{"application/xml", "application/json", `<order><id>o</id></orderx>`},
	} {
		if r := g.doReq("POST", "/orders/1.0.0/q", withKey(keyApp1, "Content-Type", c.ct, "X-To", c.to), c.body); r.Status != 400 {
			t.Errorf("malformed %s body: status %d body %s, want 400", c.ct, r.Status, r.Body)
		}
	}
}
