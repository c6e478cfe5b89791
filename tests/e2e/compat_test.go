package e2e

import (
	"strings"
	"testing"
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
