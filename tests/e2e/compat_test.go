package e2e

import (
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
