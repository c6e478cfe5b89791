package mediation_test

import (
	"strings"
	"testing"

	"github.com/seqgate/seqgate/mediation"
)

func TestXMLPayloadShape(t *testing.T) {
	cases := []struct {
		name string
		m    msg
		want string // the SOAP body's XML
	}{
		{"json object", msg{body: `{"a":1,"b":[true,null],"c":{"d":"x"},"1st":"y","$k":"z"}`, ct: "application/json"},
			`<soapenv:Body><jsonObject><a>1</a><b>true</b><b></b><c><d>x</d></c><_JsonReader_PD_1st>y</_JsonReader_PD_1st><_JsonReader_PS_k>z</_JsonReader_PS_k></jsonObject></soapenv:Body>`},
		{"json array", msg{body: `[1,{"a":2}]`, ct: "application/json"},
			`<soapenv:Body><jsonArray><jsonElement>1</jsonElement><jsonElement><a>2</a></jsonElement></jsonArray></soapenv:Body>`},
		{"json scalar", msg{body: `"hi"`, ct: "application/json"}, `<soapenv:Body><jsonValue>hi</jsonValue></soapenv:Body>`},
		{"json sniffed", msg{body: `{"a":"b"}`}, `<soapenv:Body><jsonObject><a>b</a></jsonObject></soapenv:Body>`},
		{"xml", msg{body: `<?xml version="1.0"?><r a="1"><s>t</s></r>`, ct: "application/xml"}, `<soapenv:Body><r a="1"><s>t</s></r></soapenv:Body>`},
		{"text", msg{body: "plain words", ct: "text/plain"}, `<soapenv:Body><text xmlns="http://ws.apache.org/commons/ns/payload">plain words</text></soapenv:Body>`},
		{"empty", msg{}, `<soapenv:Body></soapenv:Body>`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := newMC(t, tc.m).XMLPayload()
			if err != nil {
				t.Fatal(err)
			}
			if got := mediation.SOAPPart(doc, "Body").OutputXML(true); got != tc.want {
				t.Errorf("body =\n %s\nwant\n %s", got, tc.want)
			}
		})
	}
}

func TestPayloadCacheInvalidation(t *testing.T) {
	mc := newMC(t, msg{body: `{"a":1}`, ct: "application/json"})
	e := mustCompile(t, "json-eval($.a)", nil)
	x := mustCompile(t, "//jsonObject/a", nil)
	first, _ := mc.JSON()
	again, _ := mc.JSON()
	if mediation.JSONText(first) != `{"a":1}` || mediation.JSONText(again) != `{"a":1}` {
		t.Fatalf("JSON = %v, %v", first, again)
	}
	d1, _ := mc.XMLPayload()
	d2, _ := mc.XMLPayload()
	if d1 != d2 {
		t.Error("XMLPayload not cached")
	}
	mc.SetBody([]byte(`{"a":2}`))
	for _, ex := range []mediation.Expression{e, x} {
		if got, _ := ex.String(mc); got != "2" {
			t.Errorf("%s after SetBody = %q, want 2", ex.Source(), got)
		}
	}
}

func TestElementToJSON(t *testing.T) {
	cases := []struct{ xml, want string }{
		{`<jsonObject><a>1</a><a>2</a><b>x</b><c/></jsonObject>`, `{"a":[1,2],"b":"x","c":null}`},
		{`<order id="7"><n>007</n><ok>true</ok></order>`, `{"order":{"@id":7,"n":"007","ok":true}}`},
		{`<jsonArray><jsonElement>1</jsonElement><jsonElement>a</jsonElement></jsonArray>`, `[1,"a"]`},
		{`<_JsonReader_PD_1a><_JsonReader_PS_x>1.5</_JsonReader_PS_x></_JsonReader_PD_1a>`, `{"1a":{"$x":1.5}}`},
	}
	for _, tc := range cases {
		t.Run(tc.xml, func(t *testing.T) {
			mc := newMC(t, msg{body: tc.xml, ct: "application/xml"})
			v, err := mc.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if got := mediation.JSONText(v); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestJSONToElementErrors(t *testing.T) {
	for _, bad := range []string{`{"a":}`, `[1,2`, `{"a":1} x`} {
		if _, err := mediation.JSONToElement([]byte(bad)); err == nil || !strings.Contains(err.Error(), "json") {
			t.Errorf("JSONToElement(%s): err = %v", bad, err)
		}
	}
}
