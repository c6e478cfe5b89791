package mediation

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/mediation/xpath"
	"github.com/valyala/fasthttp"
)

// fastBodies are the inputs the fast path and the full evaluator must
// agree on: plain XML, SOAP 1.1/1.2 envelopes, namespaces (declared on the
// root, nested, default), attributes, CDATA, entities, comments, a DTD,
// malformed and over-limit documents.
var fastBodies = []string{
	`<order><id>o-4711</id><customer><name>Ada Lovelace</name><tier>gold</tier></customer><total>1234.5</total></order>`,
	`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<order><id> o-1 </id><id>o-2</id></order>`,
	`<?xml version="1.0" encoding="ISO-8859-1"?><order><id>o-1</id></order>`,
	`<?xml version="1.1"?><order><id>o-1</id></order>`,
	`<order id="7" type='vip'><id>a &amp; b &lt;c&gt; &quot;&apos;</id></order>`,
	`<order><id>a &#65; b</id></order>`,
	`<order><id>a &bogus; b</id></order>`,
	`<order><id><![CDATA[<x> & y]]></id></order>`,
	`<order><id>pre<![CDATA[mid]]>post</id></order>`,
	`<order><id>x<!-- c -->y</id></order>`,
	`<order><id>x<!-- c -- d -->y</id></order>`,
	`<order><id/><name></name><tier>   </tier></order>`,
	`<order><id>mixed<b>bold</b>tail</id></order>`,
	`<order><id>line1` + "\r\n" + `line2</id></order>`,
	`<order><id>caf√© ‚Äî ok</id></order>`,
	`<order><id>o-1</id></order><extra/>`,
	`<order><id>o-1</id></orders>`,
	`<order><id>o-1</order>`,
	`<order><id>o-1</id>`,
	`<order><id a=1>o-1</id></order>`,
	`<order><id a="x<y">o-1</id></order>`,
	`<!DOCTYPE order [<!ENTITY x "y">]><order><id>&x;</id></order>`,
	`<order xmlns="urn:o"><id>o-1</id></order>`,
	`<o:order xmlns:o="urn:o"><o:id>o-1</o:id><id>plain</id></o:order>`,
	`<order><p:id xmlns:p="urn:p">o-1</p:id></order>`,
	`<order><q:id>o-1</q:id></order>`,
	`<order xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><id xsi:nil="true">o-1</id></order>`,
	`<order><id xsi:nil="true">o-1</id></order>`,
	`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/><soapenv:Body><order><id>s-1</id><customer><name>Ada</name></customer></order></soapenv:Body></soapenv:Envelope>`,
	`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:m="urn:m"><s:Body><m:order><m:id>s12</m:id><id>plain</id></m:order></s:Body></s:Envelope>`,
	`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><order><id>a</id></order></soapenv:Body><soapenv:Body><order><id>b</id></order></soapenv:Body></soapenv:Envelope>`,
	`<Envelope><Body><order><id>not soap</id></order></Body></Envelope>`,
	`<x:Envelope xmlns:x="urn:not-soap"><x:Body><order><id>ns</id></order></x:Body></x:Envelope>`,
	`<order><id>` + strings.Repeat("<a>", 40) + strings.Repeat("</a>", 40) + `</id></order>`,
	`<order><ns:id xmlns:ns="urn:a" xmlns:nt="urn:a">o-1</ns:id></order>`,
	`<order><id>]]></id></order>`,
	`<order><id>tab	and` + "\x01" + `</id></order>`,
	"<order><id>\xff</id></order>",
	`<order>  <id>o-1</id>  </order>  `,
	`<order><id>o-1</id><customer><id>c-1</id></customer></order>`,
	// anchored paths skip subtrees that cannot hold a match: matches after,
	// between and below skipped ones
	`<order><items><id>i-1</id><item><id>i-2</id></item></items><id>o-1</id><customer><x/><name>A</name></customer><customer><name>B</name><id/></customer><total>3</total></order>`,
	`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><order><id>h-1</id></order></soapenv:Header><soapenv:Body><order><customer><name>Ada</name></customer><id>s-1</id></order></soapenv:Body></soapenv:Envelope>`,
}

var fastExprs = []string{
	"$body/order/id", "$body/order/customer/name", "$body/order/customer", "$body/order/total",
	"$body/order/missing", "$body/order", "$body/m:order/m:id", "$body/order/o:id",
	"/soapenv:Envelope/soapenv:Body/order/id", "/soapenv:Envelope/soapenv:Body/order",
	"/soapenv:Envelope/soapenv:Header/x", "/order/id", "/o:order/o:id",
	"//order/id", "//id", "//name", "//customer/name", "//Body/order/id", "//soapenv:Body/order/id",
	"//soapenv:Header", "//o:id", "//m:id", "//p:id", "//tier", "//a",
	"//id/text()", "$body/order/id/text()", "//tier/text()", "//customer/text()", "/soapenv:Envelope/soapenv:Body/order/id/text()",
	"//name/text()", "$body/order/text()",
	"/order", "/soapenv:Envelope", "/soapenv:Envelope/soapenv:Body", "/soapenv:Envelope/soapenv:Header/order/id",
	"$body/order/customer/name/text()", "$body/order/items/item/id",
}

func TestXPathFastMatchesFull(t *testing.T) {
	ns := map[string]string{"m": "urn:m", "o": "urn:o", "p": "urn:p"}
	answered := 0
	check := func(t *testing.T, body, ct, src string) {
		x := mustCompileX(t, src, ns)
		for _, asBool := range []bool{false, true} {
			got, gotErr := evalX(x, newFastMC(body, ct), asBool)
			want, wantErr := evalX(x, fullOnly{newFastMC(body, ct)}, asBool)
			if got != want || (gotErr == nil) != (wantErr == nil) {
				t.Errorf("%s on %q (%s, bool %v):\nfast %q, %v\nfull %q, %v", src, body, ct, asBool, got, gotErr, want, wantErr)
			}
		}
		if p := x.x.ChildPath(); p != nil {
			mc := newFastMC(body, ct)
			if _, ok := mc.ChildPathString(p); ok {
				answered++
			}
		}
	}
	for _, body := range fastBodies {
		for _, ct := range []string{"application/xml", "text/xml", "application/soap+xml"} {
			for _, src := range fastExprs {
				check(t, body, ct, src)
			}
		}
	}
	t.Logf("fast path answered %d", answered)
	if answered < 100 {
		t.Errorf("the fast path answered only %d evaluations", answered)
	}
	// random damage to the plain documents: both must agree on errors too
	rng := rand.New(rand.NewSource(18))
	alphabet := []byte(`<>/&;:="' !-[]?abx` + "\r\n")
	for range 3000 {
		b := []byte(fastBodies[rng.Intn(len(fastBodies))])
		for range 1 + rng.Intn(3) {
			b[rng.Intn(len(b))] = alphabet[rng.Intn(len(alphabet))]
		}
		check(t, string(b), "application/xml", fastExprs[rng.Intn(len(fastExprs))])
	}
}

// TestXMLScanImpliesCheckXML: whatever the scanner accepts, CheckXML
// accepts too (CheckPayload skips CheckXML for a body the scan accepted).
func TestXMLScanImpliesCheckXML(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	alphabet := []byte(`<>/&;:="' !-[]?abx` + "\r\n\x00\xc3")
	var ix xmlIndex
	accepted := 0
	for i := range 20000 {
		b := []byte(fastBodies[i%len(fastBodies)])
		if i >= len(fastBodies) {
			for range 1 + rng.Intn(3) {
				b[rng.Intn(len(b))] = alphabet[rng.Intn(len(alphabet))]
			}
		}
		for _, l := range []XMLLimits{{}, {Depth: 3, Elements: 5, Children: 2, TextLength: 4, Attributes: 1, AttributeLength: 3}} {
			scanXML(&ix, b, l)
			if !ix.ok {
				continue
			}
			accepted++
			if err := CheckXML(b, l); err != nil {
				t.Fatalf("scan accepted %q (limits %+v), CheckXML: %v", b, l, err)
			}
		}
	}
	t.Logf("accepted %d", accepted)
}

// TestXPathFastLimits: a document over a payload limit is refused with the
// full path's error, never answered from the index.
func TestXPathFastLimits(t *testing.T) {
	x := mustCompileX(t, "$body/order/id", nil)
	for _, l := range []XMLLimits{{Depth: 1}, {Elements: 2}, {Children: 1}, {TextLength: 3}, {Attributes: 1}, {AttributeLength: 2}} {
		mc := newFastMC(`<order a="xyz" b="1"><id>o-4711</id><c/></order>`, "application/xml")
		mc.Limits.XML = l
		if l.Depth > 0 {
			mc.Limits.MaxXMLDepth = l.Depth
		}
		if got, err := x.String(mc); err == nil {
			t.Errorf("limits %+v: got %q, want an error", l, got)
		}
	}
}

// TestXPathFastAfterEdit: once the tree is built (and maybe edited in
// place), the fast path steps aside; a new body is scanned afresh.
func TestXPathFastAfterEdit(t *testing.T) {
	x := mustCompileX(t, "$body/order/id", nil)
	mc := newFastMC(`<order><id>a</id></order>`, "application/xml")
	if v, _ := x.String(mc); v != "a" {
		t.Fatalf("got %q", v)
	}
	doc, err := mc.XMLPayload()
	if err != nil {
		t.Fatal(err)
	}
	payloadElement(doc).FirstChild.FirstChild.Data = "edited"
	if v, _ := x.String(mc); v != "edited" {
		t.Fatalf("after an edit of the tree: got %q", v)
	}
	mc.SetBody([]byte(`<order><id>b</id></order>`))
	if v, _ := x.String(mc); v != "b" {
		t.Fatalf("after SetBody: got %q", v)
	}
}

func mustCompileX(t testing.TB, src string, ns map[string]string) *xpathExpr {
	t.Helper()
	e, err := compileXPath(src, ns)
	if err != nil {
		t.Fatalf("compile %s: %v", src, err)
	}
	return e.(*xpathExpr)
}

// fullOnly hides the MessageContext's xpath.PathEnv methods, so that the
// expression is evaluated in full.
type fullOnly struct{ xpath.Env }

func evalX(x *xpathExpr, env xpath.Env, asBool bool) (string, error) {
	if asBool {
		v, err := x.x.Bool(env)
		return fmt.Sprint(v), err
	}
	return x.x.String(env)
}

func newFastMC(body, ct string) *MessageContext {
	req, resp := &fasthttp.Request{}, &fasthttp.Response{}
	req.Header.SetMethod("POST")
	req.SetRequestURI("http://localhost/shop/1.0/orders")
	req.Header.SetContentType(ct)
	req.SetBodyString(body)
	mc := &MessageContext{}
	mc.Reset(req, resp)
	return mc
}

// FuzzXPathFast: on any body, every path of fastExprs gives the same
// answer (and error or not) from the byte index as from the tree.
func FuzzXPathFast(f *testing.F) {
	for _, b := range fastBodies {
		f.Add(b)
	}
	ns := map[string]string{"m": "urn:m", "o": "urn:o", "p": "urn:p"}
	exprs := make([]*xpathExpr, len(fastExprs))
	for i, src := range fastExprs {
		exprs[i] = mustCompileX(f, src, ns)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for i, x := range exprs {
			for _, asBool := range []bool{false, true} {
				got, gotErr := evalX(x, newFastMC(body, "application/xml"), asBool)
				want, wantErr := evalX(x, fullOnly{newFastMC(body, "application/xml")}, asBool)
				if got != want || (gotErr == nil) != (wantErr == nil) {
					t.Fatalf("%s on %q (bool %v):\nfast %q, %v\nfull %q, %v", fastExprs[i], body, asBool, got, gotErr, want, wantErr)
				}
			}
		}
	})
}
