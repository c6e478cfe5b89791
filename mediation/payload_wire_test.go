package mediation_test

import (
	"errors"
	"testing"

	"github.com/seqgate/seqgate/mediation"
)

const soap11Quote = `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="urn:m">` +
	`<s:Header><m:trace>t1</m:trace></s:Header><s:Body><m:getQuote><m:symbol>IBM</m:symbol></m:getQuote></s:Body></s:Envelope>`

// TestSerializeForWire: a messageType set on a message converts its payload
// when it goes on the wire, as Axis2's formatters do.
func TestSerializeForWire(t *testing.T) {
	cases := []struct {
		name, body, ct, messageType string
		want                        string
	}{
		{"json to xml", `{"a":1,"b":[1,2],"c":{"d":"x<y"}}`, "application/json", "application/xml",
			`<jsonObject><a>1</a><b>1</b><b>2</b><c><d>x&lt;y</d></c></jsonObject>`},
		{"json array to xml", `[1,{"a":2}]`, "application/json", "application/xml",
			`<jsonArray><jsonElement>1</jsonElement><jsonElement><a>2</a></jsonElement></jsonArray>`},
		{"xml to json", `<order><id>7</id><item>a</item><item>b</item></order>`, "application/xml", "application/json",
			`{"order":{"id":7,"item":["a","b"]}}`},
		{"jsonObject xml to json unwraps", `<jsonObject><a>1</a><s>x</s></jsonObject>`, "application/xml", "application/json",
			`{"a":1,"s":"x"}`},
		{"jsonArray xml to json unwraps", `<jsonArray><jsonElement>1</jsonElement><jsonElement>b</jsonElement></jsonArray>`, "text/xml", "application/json",
			`[1,"b"]`},
		{"json to soap 1.1", `{"a":1}`, "application/json", "text/xml",
			`<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><jsonObject><a>1</a></jsonObject></soapenv:Body></soapenv:Envelope>`},
		{"xml to soap 1.2", `<r xmlns="urn:r"><v>1</v></r>`, "application/xml", "application/soap+xml",
			`<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope"><soapenv:Body><r xmlns="urn:r"><v>1</v></r></soapenv:Body></soapenv:Envelope>`},
		{"soap 1.1 to pox keeps namespaces", soap11Quote, "text/xml", "application/xml",
			`<m:getQuote xmlns:m="urn:m"><m:symbol>IBM</m:symbol></m:getQuote>`},
		{"soap 1.1 to json", soap11Quote, "text/xml", "application/json", `{"getQuote":{"symbol":"IBM"}}`},
		{"soap 1.1 to 1.2 keeps header", soap11Quote, "text/xml", "application/soap+xml",
			`<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope">` +
				`<soapenv:Header><m:trace xmlns:m="urn:m">t1</m:trace></soapenv:Header>` +
				`<soapenv:Body><m:getQuote xmlns:m="urn:m"><m:symbol>IBM</m:symbol></m:getQuote></soapenv:Body></soapenv:Envelope>`},
		{"form to json", `a=1&b=x+y&b=z&1st=%C3%A9`, "application/x-www-form-urlencoded", "application/json",
			`{"xformValues":{"a":1,"b":["x y","z"],"1st":"é"}}`}, // form order kept
		{"xml to json in document order", `<order id="o-1" channel="web"><zulu>1</zulu><alpha><yankee>2</yankee><bravo>x</bravo></alpha>` +
			`<line><sku>b</sku><qty>2</qty></line><mike/><line><sku>a</sku><qty>1.5</qty></line></order>`, "application/xml", "application/json",
			`{"order":{"@id":"o-1","@channel":"web","zulu":1,"alpha":{"yankee":2,"bravo":"x"},"line":[{"sku":"b","qty":2},{"sku":"a","qty":1.5}],"mike":null}}`},
		{"jsonObject to json in document order", `<jsonObject><zulu>1</zulu><alpha>2</alpha><list>3</list><list>4</list></jsonObject>`,
			"application/xml", "application/json", `{"zulu":1,"alpha":2,"list":[3,4]}`},
		{"jsonArray to json", `<jsonArray><jsonElement><zulu>1</zulu><alpha>2</alpha></jsonElement><jsonElement>3</jsonElement></jsonArray>`,
			"application/xml", "application/json", `[{"zulu":1,"alpha":2},3]`},
		{"form to xml", `a=1&b%5B%5D=2`, "application/x-www-form-urlencoded", "application/xml",
			`<xformValues><a>1</a><b__>2</b__></xformValues>`},
		{"json to form", `{"a":1,"b":"x y&z"}`, "application/json", "application/x-www-form-urlencoded", `a=1&b=x+y%26z`},
		{"text to json", "hello", "text/plain", "application/json", `{"text":"hello"}`},
		{"text to xml", "1 < 2", "text/plain", "application/xml",
			`<text xmlns="http://ws.apache.org/commons/ns/payload">1 &lt; 2</text>`},
		{"xml to text", `<a>1</a>`, "application/xml", "text/plain", `<a>1</a>`},
		{"json to text is the xml view", `{"a":1}`, "application/json", "text/plain", `<jsonObject><a>1</a></jsonObject>`},
		{"same type is untouched, even malformed", `{"a":`, "application/json", "application/json; charset=UTF-8", `{"a":`},
		{"text/xml pox to xml is untouched", `<a>1</a>`, "text/xml", "application/xml", `<a>1</a>`},
		{"binary is relabelled only", "\x00\x01{", "application/octet-stream", "application/json", "\x00\x01{"},
		{"empty body stays empty", "", "application/json", "application/xml", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mc := newMC(t, msg{body: tc.body, ct: tc.ct})
			mc.SetProperty(mediation.ScopeAxis2, "messageType", tc.messageType)
			if err := mc.SerializeForWire(); err != nil {
				t.Fatal(err)
			}
			if got := string(mc.Body()); got != tc.want {
				t.Errorf("body\n got %s\nwant %s", got, tc.want)
			}
			if got := mc.ContentType(); got != tc.messageType {
				t.Errorf("Content-Type %q, want %q", got, tc.messageType)
			}
			if f := mc.BodyFormat(); tc.want != "" && f != mediation.FormatOf(tc.messageType) && tc.ct != "application/octet-stream" && tc.ct != "text/xml" {
				t.Errorf("BodyFormat after conversion = %s, want %s", f, mediation.FormatOf(tc.messageType))
			}
		})
	}
}

func TestSerializeForWireBadPayload(t *testing.T) {
	mc := newMC(t, msg{body: `{"a":`, ct: "application/json"})
	mc.SetProperty(mediation.ScopeAxis2, "messageType", "application/xml")
	err := mc.SerializeForWire()
	if !errors.Is(err, mediation.ErrBadPayload) {
		t.Fatalf("err = %v, want ErrBadPayload", err)
	}
	if string(mc.Body()) != `{"a":` {
		t.Errorf("body changed on error: %s", mc.Body())
	}
}

// TestMessageTypeRules: how messageType interacts with ContentType, with a
// mediator that builds a new payload, and with the direction.
func TestMessageTypeRules(t *testing.T) {
	t.Run("ContentType removed falls back to messageType", func(t *testing.T) {
		mc := newMC(t, msg{body: `<a>1</a>`, ct: "application/xml"})
		mc.SetProperty(mediation.ScopeAxis2, "messageType", "application/json")
		mc.RemoveProperty(mediation.ScopeAxis2, "ContentType")
		if err := mc.SerializeForWire(); err != nil {
			t.Fatal(err)
		}
		if mc.ContentType() != "application/json" || string(mc.Body()) != `{"a":1}` {
			t.Errorf("got %q %s", mc.ContentType(), mc.Body())
		}
	})
	t.Run("ContentType alone relabels", func(t *testing.T) {
		mc := newMC(t, msg{body: `{"a":1}`, ct: "application/json"})
		mc.SetProperty(mediation.ScopeAxis2, "ContentType", "application/xml")
		if err := mc.SerializeForWire(); err != nil {
			t.Fatal(err)
		}
		if mc.ContentType() != "application/xml" || string(mc.Body()) != `{"a":1}` {
			t.Errorf("got %q %s", mc.ContentType(), mc.Body())
		}
	})
	t.Run("a new payload cancels the conversion", func(t *testing.T) {
		mc := newMC(t, msg{body: `{"a":1}`, ct: "application/json"})
		mc.SetProperty(mediation.ScopeAxis2, "messageType", "application/xml")
		mc.SetBody([]byte(`{"b":2}`)) // payloadFactory media-type="json"
		mc.SetContentType("application/json")
		if err := mc.SerializeForWire(); err != nil {
			t.Fatal(err)
		}
		if mc.ContentType() != "application/json" || string(mc.Body()) != `{"b":2}` {
			t.Errorf("got %q %s", mc.ContentType(), mc.Body())
		}
	})
	t.Run("SetBody keeps the pending conversion", func(t *testing.T) {
		mc := newMC(t, msg{body: `{"a":1}`, ct: "application/json"})
		mc.SetProperty(mediation.ScopeAxis2, "messageType", "application/xml")
		mc.SetBody([]byte(`{"a":2}`)) // enrich on the JSON body
		if err := mc.SerializeForWire(); err != nil {
			t.Fatal(err)
		}
		if string(mc.Body()) != `<jsonObject><a>2</a></jsonObject>` {
			t.Errorf("got %s", mc.Body())
		}
	})
	t.Run("expressions read the body as it is", func(t *testing.T) {
		mc := newMC(t, msg{body: `<r><a>5</a></r>`, ct: "application/xml"})
		mc.SetProperty(mediation.ScopeAxis2, "messageType", "application/json")
		for _, src := range []string{"//r/a", "json-eval($.r.a)", "$axis2:messageType"} {
			got, err := mustCompile(t, src, nil).String(mc)
			want := map[string]string{"$axis2:messageType": "application/json"}[src]
			if want == "" {
				want = "5"
			}
			if err != nil || got != want {
				t.Errorf("%s = %q, %v; want %q", src, got, err, want)
			}
		}
	})
	t.Run("a request's messageType does not convert the response", func(t *testing.T) {
		mc := newMC(t, msg{body: `{"a":1}`, ct: "application/json"})
		mc.SetProperty(mediation.ScopeAxis2, "messageType", "application/xml")
		mc.Dir = mediation.Out
		mc.Resp.SetBodyString(`{"r":1}`)
		mc.Resp.Header.SetContentType("application/json")
		if err := mc.SerializeForWire(); err != nil {
			t.Fatal(err)
		}
		if string(mc.Resp.Body()) != `{"r":1}` {
			t.Errorf("response converted: %s", mc.Resp.Body())
		}
	})
}

// TestPayloadViews: form and text payloads as XPath and json-eval see them.
func TestPayloadViews(t *testing.T) {
	cases := []struct {
		name, body, ct, expr, want string
	}{
		{"form xpath", "user=ann&age=7", "application/x-www-form-urlencoded", "//xformValues/user", "ann"},
		{"form body var", "user=ann", "application/x-www-form-urlencoded", "local-name($body/*)", "xformValues"},
		{"form json-eval", "user=ann&age=7", "application/x-www-form-urlencoded", "json-eval($.xformValues.age)", "7"},
		{"text that looks like json", `{"a":1}`, "text/plain", "local-name($body/*)", "text"},
		{"text content", "hi there", "text/plain; charset=UTF-8", "$body/*[local-name()='text']", "hi there"},
		{"text json-eval", "hi", "text/plain", "json-eval($.text)", "hi"},
		{"xml labelled text/xml", "<a><b>1</b></a>", "text/xml", "//a/b", "1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mc := newMC(t, msg{body: tc.body, ct: tc.ct})
			got, err := mustCompile(t, tc.expr, nil).String(mc)
			if err != nil || got != tc.want {
				t.Errorf("%s = %q, %v; want %q", tc.expr, got, err, tc.want)
			}
		})
	}
}

func TestSerializeForWireUnchangedAllocs(t *testing.T) {
	mc := newMC(t, msg{body: `{"a":1}`, ct: "application/json"})
	if n := testing.AllocsPerRun(100, func() { _ = mc.SerializeForWire() }); n != 0 {
		t.Errorf("SerializeForWire without messageType: %v allocs, want 0", n)
	}
}

func BenchmarkSerializeForWire(b *testing.B) {
	body := `{"order":{"id":7,"items":[{"sku":"a","qty":1},{"sku":"b","qty":2}],"note":"fragile"}}`
	for _, mt := range []string{"application/json", "application/xml"} {
		b.Run("json to "+mt, func(b *testing.B) {
			mc := newMC(b, msg{body: body, ct: "application/json"})
			b.ReportAllocs()
			for b.Loop() {
				mc.Req.SetBodyString(body)
				mc.Req.Header.SetContentType("application/json")
				mc.InvalidatePayload()
				mc.SetProperty(mediation.ScopeAxis2, "messageType", mt)
				if err := mc.SerializeForWire(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzSerializeForWire: any body, label and declared type converts or
// fails with ErrBadPayload; it never panics, and a JSON result is JSON.
func FuzzSerializeForWire(f *testing.F) {
	for _, s := range []struct{ body, ct, mt string }{
		{`{"a":[1,{"b":null}]}`, "application/json", "application/xml"},
		{soap11Quote, "text/xml", "application/json"},
		{"a=1&b=%zz", "application/x-www-form-urlencoded", "application/soap+xml"},
		{"<a><b x='1'>t</b></a>", "application/xml", "application/x-www-form-urlencoded"},
		{"plain", "text/plain", "text/xml"},
	} {
		f.Add(s.body, s.ct, s.mt)
	}
	f.Fuzz(func(t *testing.T, body, ct, mt string) {
		mc := newMC(t, msg{ct: ct})
		mc.Req.SetBodyString(body) // not through msg: "@x" would name a file
		mc.SetProperty(mediation.ScopeAxis2, "messageType", mt)
		err := mc.SerializeForWire()
		if err != nil && !errors.Is(err, mediation.ErrBadPayload) {
			t.Fatalf("error not marked as a payload error: %v", err)
		}
		if err == nil && mediation.FormatOf(mt) == mediation.FormatJSON && len(mc.Body()) > 0 && mc.BodyFormat() == mediation.FormatJSON {
			if _, jerr := mc.JSON(); jerr != nil && mediation.FormatOf(ct) != mediation.FormatJSON {
				t.Fatalf("converted JSON does not parse: %v\n%s", jerr, mc.Body())
			}
		}
	})
}
