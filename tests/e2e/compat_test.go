package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCompatMakefaultSOAP12Implied: Synapse sample 7's makefault has no
// version attribute and a SOAP 1.2 code (tns:Receiver); Synapse deploys it
// and answers a SOAP 1.2 fault. seqgate refused the file before.
func TestCompatMakefaultSOAP12Implied(t *testing.T) {
	t.Parallel()
	in := seq("admin--Orders:v1.0.0--In",
		`<makefault>
            <code value="tns:Receiver" xmlns:tns="http://www.w3.org/2003/05/soap-envelope"/>
            <reason value="Invalid custom quote request"/>
        </makefault>`,
		`<property name="HTTP_SC" value="500" scope="axis2"/>`,
		`<respond/>`)
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI()}}, seqFile{0, "orders_in.xml", in})
	r := g.doReq("POST", "/orders/1.0.0/q", withKey(keyApp1, "Content-Type", "application/soap+xml"),
		`<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><getQuote/></e:Body></e:Envelope>`)
	checkFault(t, r, 500, "application/soap+xml",
		`xmlns:soapenv="http://www.w3.org/2003/05/soap-envelope"`, "<soapenv:Value>soapenv:Receiver</soapenv:Value>",
		"Invalid custom quote request")
}

// TestCompatLatin1SequenceFile: a sequence file declared ISO-8859-1 with
// a Latin-1 byte (ü = 0xFC) deploys and answers the text as UTF-8; it was
// refused as invalid UTF-8 before.
func TestCompatLatin1SequenceFile(t *testing.T) {
	t.Parallel()
	in := strings.Replace(seq("admin--Orders:v1.0.0--In", respondWith(200, `{"city":"Z`+"\xfc"+`rich"}`)),
		`encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1)
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI()}}, seqFile{0, "orders_in.xml", in})
	r := g.doReq("GET", "/orders/1.0.0/1", withKey(keyApp1), "")
	if r.Status != 200 || string(r.Body) != `{"city":"Zürich"}` {
		t.Fatalf("status %d body %q, want 200 {\"city\":\"Zürich\"}", r.Status, r.Body)
	}
}

// TestCompatCallout: the deprecated <callout serviceURL action> with the
// corpus's source/target XPaths (mi-test__TestFaultSequenceCalledSeq)
// sends the Body's first child in a SOAP 1.1 envelope with SOAPAction and
// puts the answer's payload in its place; <target key> stores it in a
// property. It was refused at deploy time before.
func TestCompatCallout(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got struct{ action, ctype, body string }
	svc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		if r.URL.Path == "/svc/quote" {
			got.action, got.ctype, got.body = r.Header.Get("SOAPAction"), r.Header.Get("Content-Type"), string(b)
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>`+
			`<m:quote xmlns:m="urn:q"><m:price>42</m:price></m:quote></s:Body></s:Envelope>`)
	}))
	t.Cleanup(svc.Close)
	ns := `xmlns:s11="http://schemas.xmlsoap.org/soap/envelope/" xmlns:s12="http://www.w3.org/2003/05/soap-envelope"`
	xp := `xpath="s11:Body/child::*[fn:position()=1] | s12:Body/child::*[fn:position()=1]"`
	in := seq("admin--Orders:v1.0.0--In",
		`<callout serviceURL="`+svc.URL+`/svc/quote" action="urn:getQuote">
            <source `+ns+` `+xp+`/>
            <target `+ns+` `+xp+`/>
        </callout>`,
		`<callout serviceURL="`+svc.URL+`/svc/again"><target key="again"/></callout>`,
		`<header name="X-Again" scope="transport" expression="$ctx:again"/>`,
		`<property name="HTTP_SC" value="200" scope="axis2"/>`,
		`<respond/>`)
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI()}}, seqFile{0, "orders_in.xml", in})
	r := g.doReq("POST", "/orders/1.0.0/q", withKey(keyApp1, "Content-Type", "text/xml"),
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>`+
			`<getQuote xmlns="urn:q"><symbol>IBM</symbol></getQuote></soapenv:Body></soapenv:Envelope>`)
	if r.Status != 200 || !strings.Contains(string(r.Body), `<m:price>42</m:price>`) || strings.Contains(string(r.Body), "getQuote") {
		t.Fatalf("status %d body %s; want 200 with the service's quote in place of getQuote", r.Status, r.Body)
	}
	if !strings.Contains(r.Header.Get("X-Again"), "<m:price>42</m:price>") {
		t.Errorf("X-Again = %q, want the second answer's payload", r.Header.Get("X-Again"))
	}
	mu.Lock()
	defer mu.Unlock()
	if got.action != `"urn:getQuote"` {
		t.Errorf("SOAPAction = %q", got.action)
	}
	if !strings.HasPrefix(got.ctype, "text/xml") || !strings.Contains(got.body, `<soapenv:Body>`) {
		t.Errorf("service got %s %q, want a SOAP 1.1 envelope", got.ctype, got.body)
	}
}

// TestCompatPayloadFactoryEnvelope: a payloadFactory format whose root is
// a SOAP Envelope replaces the message's envelope (Synapse's
// checkAndReplaceEnvelope), Header included, instead of being nested in
// the request's Body.
func TestCompatPayloadFactoryEnvelope(t *testing.T) {
	t.Parallel()
	in := seq("admin--Orders:v1.0.0--In",
		`<payloadFactory media-type="xml"><format>`+
			`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">`+
			`<soapenv:Header><h:trace xmlns:h="urn:h">t-1</h:trace></soapenv:Header>`+
			`<soapenv:Body><m:order xmlns:m="urn:m"><m:id>$1</m:id></m:order></soapenv:Body></soapenv:Envelope>`+
			`</format><args><arg expression="//id"/></args></payloadFactory>`,
		`<property name="HTTP_SC" value="200" scope="axis2"/>`, `<respond/>`)
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI()}}, seqFile{0, "orders_in.xml", in})
	r := g.doReq("POST", "/orders/1.0.0/q", withKey(keyApp1, "Content-Type", "text/xml"),
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><in><id>7</id></in></soapenv:Body></soapenv:Envelope>`)
	want := `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><h:trace xmlns:h="urn:h">t-1</h:trace></soapenv:Header>` +
		`<soapenv:Body><m:order xmlns:m="urn:m"><m:id>7</m:id></m:order></soapenv:Body></soapenv:Envelope>`
	if r.Status != 200 || strings.TrimSpace(string(r.Body)) != want {
		t.Fatalf("status %d body %s\nwant %s", r.Status, r.Body, want)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
		t.Errorf("Content-Type = %q, want text/xml", ct)
	}
}

// TestCompatJSONKeyOrder: a JSON object a payloadFactory json-eval argument
// selects from the request keeps the client's key order on the wire
// (the keys came out sorted before).
func TestCompatJSONKeyOrder(t *testing.T) {
	t.Parallel()
	in := seq("admin--Orders:v1.0.0--In",
		`<payloadFactory media-type="json"><format>{"wrapped":$1,"all":$2}</format><args>`+
			`<arg evaluator="json" expression="$.order"/><arg evaluator="json" expression="$"/></args></payloadFactory>`,
		`<property name="HTTP_SC" value="200" scope="axis2"/>`, `<respond/>`)
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI()}}, seqFile{0, "orders_in.xml", in})
	r := g.doReq("POST", "/orders/1.0.0/q", withKey(keyApp1, "Content-Type", "application/json"),
		`{"order":{"zulu":1,"alpha":{"yankee":2,"bravo":3}},"id":"o-1"}`)
	want := `{"wrapped":{"zulu":1,"alpha":{"yankee":2,"bravo":3}},"all":{"order":{"zulu":1,"alpha":{"yankee":2,"bravo":3}},"id":"o-1"}}`
	if r.Status != 200 || string(r.Body) != want {
		t.Fatalf("status %d body %s\nwant %s", r.Status, r.Body, want)
	}
}

// TestCompatLogFullEnvelope: <log level="full"> writes WSO2's line: the
// simple part, the properties, then "Envelope: " and the SOAP envelope
// with Axiom's declaration for an XML payload, or "Payload: " and the text
// for a JSON one, so parsers of WSO2 logs keep working. seqgate wrote
// "Payload: <the bytes>" for every format, before the properties.
func TestCompatLogFullEnvelope(t *testing.T) {
	t.Parallel()
	in := seq("admin--Orders:v1.0.0--In",
		`<log level="full"><property name="MESSAGE" value="in seq"/></log>`,
		`<property name="HTTP_SC" value="200" scope="axis2"/>`, `<respond/>`)
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI()}}, seqFile{0, "orders_in.xml", in})
	for _, c := range []struct{ ctype, body, want string }{
		{"application/xml", `<m:getQuote xmlns:m="urn:m"><m:symbol>IBM</m:symbol></m:getQuote>`,
			`Direction: request, MESSAGE = in seq, Envelope: <?xml version='1.0' encoding='utf-8'?>` +
				`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
				`<m:getQuote xmlns:m="urn:m"><m:symbol>IBM</m:symbol></m:getQuote></soapenv:Body></soapenv:Envelope>`},
		{"application/json", `{"symbol":"WSO2"}`, `Direction: request, MESSAGE = in seq, Payload: {"symbol":"WSO2"}`},
	} {
		if r := g.doReq("POST", "/orders/1.0.0/q", withKey(keyApp1, "Content-Type", c.ctype), c.body); r.Status != 200 {
			t.Fatalf("%s: status %d body %s", c.ctype, r.Status, r.Body)
		}
		waitFor(t, "the full log line of the "+c.ctype+" request", 3*time.Second, func() bool {
			for _, l := range g.stderr.lines(`"mediator":"log"`) {
				var m struct{ Msg string }
				if json.Unmarshal([]byte(l), &m) == nil && strings.HasSuffix(m.Msg, c.want) {
					return true
				}
			}
			return false
		})
	}
}

// TestCompatResponseFormat: the answer is written in the message's
// messageType, as Axis2's formatter picks it, and messageType is the
// request's Content-Type until a mediator sets it. Synapse's payloadFactory
// sets it (media-type json: application/json; xml: application/xml unless
// already an XML type), so API-M's main and _threat_fault_ answer JSON to
// any REST request and API-M 1.10's main (payloadFactory xml) answers XML
// even to a JSON POST. enrich to the body and script setPayloadXML leave
// it alone, so XML they put in a JSON request's body goes out as JSON;
// seqgate answered XML there before (the enrich and script cases fail on
// the old binary).
func TestCompatResponseFormat(t *testing.T) {
	t.Parallel()
	in := seq("admin--Orders:v1.0.0--In",
		`<filter source="$trp:X-Use" regex="threat"><then>
            <class name="org.wso2.carbon.apimgt.gateway.mediators.RegularExpressionProtector">
                <property name="enabledCheckBody" value="true"/></class>
        </then><else>
            <filter source="$trp:X-Use" regex="script"><then>
                <script language="js"><![CDATA[mc.setPayloadXML('<error><code>409</code><msg>taken</msg></error>');]]></script>
            </then><else>
                <enrich><source type="inline" clone="true"><error xmlns=""><code>409</code><msg>taken</msg></error></source>
                    <target type="body"/></enrich>
            </else></filter>
            <property name="HTTP_SC" value="409" scope="axis2"/>
            <respond/>
        </else></filter>`)
	files := append(corpusFiles(t, 0, "apim-gw__main.xml", "apim-gw__threat_fault.xml", "apim-gw__cors_request_handler.xml"),
		seqFile{0, "orders_in.xml", in})
	files = append(files, corpusFiles(t, 1, "apim-gw-1.10__main.xml")...)
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI(), shopAPI()}}, files...)
	const jsonCT, xmlCT = "application/json", "application/xml"
	for _, c := range []struct {
		name, path, use, ctype, body string
		status                       int
		wantCT, want                 string
	}{
		{"main, JSON POST", "/nothing/1.0.0/x", "", jsonCT, `{"a":1}`, 404, jsonCT, `"message":"Not Found"`},
		{"main, XML POST: payloadFactory json", "/nothing/1.0.0/x", "", xmlCT, `<a>1</a>`, 404, jsonCT, `"message":"Not Found"`},
		{"main, SOAP: makefault", "/nothing/1.0.0/x", "", "text/xml", soapRequest, 404, "text/xml", `<faultcode>soapenv:Server</faultcode>`},
		{"main 1.10, JSON POST: payloadFactory xml", "/t/acme.com/nothing/1.0.0/x", "", jsonCT, `{"a":1}`, 404, xmlCT, `<am:code>404</am:code>`},
		{"_threat_fault_, XML request", "/orders/1.0.0/x", "threat", xmlCT, `<a>drop table x</a>`, 400, jsonCT, `"message":"Bad Request"`},
		{"_threat_fault_, JSON request", "/orders/1.0.0/x", "threat", jsonCT, `{"a":"drop table x"}`, 400, jsonCT, `"message":"Bad Request"`},
		{"enrich XML body, JSON request", "/orders/1.0.0/x", "", jsonCT, `{"a":1}`, 409, jsonCT, `{"error":{"code":409,"msg":"taken"}}`},
		{"enrich XML body, XML request", "/orders/1.0.0/x", "", xmlCT, `<a>1</a>`, 409, xmlCT, `<error xmlns=""><code>409</code><msg>taken</msg></error>`},
		{"script setPayloadXML, JSON request", "/orders/1.0.0/x", "script", jsonCT, `{"a":1}`, 409, jsonCT, `{"error":{"code":409,"msg":"taken"}}`},
		{"script setPayloadXML, XML request", "/orders/1.0.0/x", "script", xmlCT, `<a>1</a>`, 409, xmlCT, `<error><code>409</code><msg>taken</msg></error>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := withKey(keyApp1, "Content-Type", c.ctype)
			if c.use != "" {
				h["X-Use"] = c.use
			}
			checkFault(t, g.doReq("POST", c.path, h, c.body), c.status, c.wantCT, c.want)
		})
	}
}

// TestCompatJSONKeyOrderConversions: JSON members keep their order through
// an XML answer converted by messageType (document order, as Synapse's
// formatter writes it), an enrich that changes a JSON body through a path,
// a payloadFactory json-eval filter argument and a json-eval object read
// as a string (a header). All of them came out with
// sorted keys before (fails on the old binary).
func TestCompatJSONKeyOrderConversions(t *testing.T) {
	t.Parallel()
	in := seq("admin--Orders:v1.0.0--In",
		`<filter source="$trp:X-Use" regex="xml"><then>
            <property name="messageType" value="application/json" scope="axis2"/>
        </then><else>
            <enrich><source type="inline" clone="true">"changed"</source><target xpath="json-eval($.alpha)"/></enrich>
            <header name="X-Attrs" scope="transport" expression="json-eval($.items[0].attrs)"/>
            <payloadFactory media-type="json"><format>{"body":$1,"big":$2}</format><args>
                <arg evaluator="json" expression="$"/><arg evaluator="json" expression="$.items[?(@.qty > 1)]"/>
            </args></payloadFactory>
        </else></filter>`,
		`<property name="HTTP_SC" value="200" scope="axis2"/>`, `<respond/>`)
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI()}}, seqFile{0, "orders_in.xml", in})
	r := g.doReq("POST", "/orders/1.0.0/q", withKey(keyApp1, "Content-Type", "application/xml", "X-Use", "xml"),
		`<order id="o-1"><zulu>1</zulu><alpha><yankee>2</yankee><bravo>x</bravo></alpha><line>b</line><line>a</line></order>`)
	want := `{"order":{"@id":"o-1","zulu":1,"alpha":{"yankee":2,"bravo":"x"},"line":["b","a"]}}`
	if r.Status != 200 || string(r.Body) != want {
		t.Errorf("XML converted: status %d body %s\nwant %s", r.Status, r.Body, want)
	}
	r = g.doReq("POST", "/orders/1.0.0/q", withKey(keyApp1, "Content-Type", "application/json"),
		`{"zulu":{"yankee":1},"alpha":"a","items":[{"sku":"b","qty":2,"attrs":{"zulu":1,"alpha":2}}]}`)
	want = `{"body":{"zulu":{"yankee":1},"alpha":"changed","items":[{"sku":"b","qty":2,"attrs":{"zulu":1,"alpha":2}}]},` +
		`"big":{"sku":"b","qty":2,"attrs":{"zulu":1,"alpha":2}}}`
	if r.Status != 200 || string(r.Body) != want {
		t.Errorf("JSON enriched: status %d body %s\nwant %s", r.Status, r.Body, want)
	}
	if got := r.Header.Get("X-Attrs"); got != `{"zulu":1,"alpha":2}` {
		t.Errorf("json-eval object as a header: %s, want the body's order", got)
	}
}

// TestCompatJSONKeyOrderExpr: an object a ${...} payload path selects
// (payload.x, $.x[0]) keeps the payload's member order in a payloadFactory
// argument (evaluator="json": inserted as JSON; without it: as a string,
// escaped) and a header, from a JSON body and from an XML one (document
// order). expr-lang gives Go maps, so they came out with sorted keys
// before (fails on the old binary).
func TestCompatJSONKeyOrderExpr(t *testing.T) {
	t.Parallel()
	in := seq("admin--Orders:v1.0.0--In",
		`<header name="X-First" scope="transport" expression="${$.items[0]}"/>`,
		`<payloadFactory media-type="json"><format>{"wrapped":$1,"plain":"$2"}</format><args>`+
			`<arg evaluator="json" expression="${payload.order}"/><arg expression="${payload.order.alpha}"/></args></payloadFactory>`,
		`<property name="HTTP_SC" value="200" scope="axis2"/>`, `<respond/>`)
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI()}}, seqFile{0, "orders_in.xml", in})
	r := g.doReq("POST", "/orders/1.0.0/q", withKey(keyApp1, "Content-Type", "application/json"),
		`{"order":{"zulu":1,"alpha":{"yankee":2,"bravo":3}},"items":[{"sku":"b","qty":2}]}`)
	want := `{"wrapped":{"zulu":1,"alpha":{"yankee":2,"bravo":3}},"plain":"{\"yankee\":2,\"bravo\":3}"}`
	if r.Status != 200 || string(r.Body) != want {
		t.Errorf("JSON: status %d body %s\nwant %s", r.Status, r.Body, want)
	}
	if got := r.Header.Get("X-First"); got != `{"sku":"b","qty":2}` {
		t.Errorf("${$.items[0]} as a header: %s, want the body's order", got)
	}
	r = g.doReq("POST", "/orders/1.0.0/q", withKey(keyApp1, "Content-Type", "application/xml"),
		`<order id="o-1"><zulu>1</zulu><alpha><yankee>2</yankee><bravo>x</bravo></alpha></order>`)
	want = `{"wrapped":{"@id":"o-1","zulu":1,"alpha":{"yankee":2,"bravo":"x"}},"plain":"{\"yankee\":2,\"bravo\":\"x\"}"}`
	if r.Status != 200 || string(r.Body) != want {
		t.Errorf("XML: status %d body %s\nwant %s", r.Status, r.Body, want)
	}
}
