package endpoint

import (
	"bytes"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

// propAction is where the header mediator keeps the WS-Addressing Action
// (<header name="Action" value="urn:x"/>, default scope).
const propAction = "Action"

// applySOAPAction gives a SOAP request without an action the WS-Addressing
// Action set by a mediator, as Axis2 derives the SOAP action from it:
// SOAPAction (quoted) for SOAP 1.1, the action parameter of the
// Content-Type for SOAP 1.2. An action the request already has is kept.
func applySOAPAction(mc *mediation.MessageContext, req *fasthttp.Request) {
	action, ok := mc.Props.Get(propAction)
	if !ok || action == "" {
		return
	}
	ct := req.Header.ContentType()
	switch mediation.FormatOf(string(ct)) {
	case mediation.FormatSOAP11:
		if sa := bytes.Trim(req.Header.Peek("SOAPAction"), `"`); len(sa) == 0 {
			req.Header.Set("SOAPAction", `"`+action+`"`)
		}
	case mediation.FormatSOAP12:
		if !bytes.Contains(bytes.ToLower(ct), []byte("action=")) {
			req.Header.SetContentType(string(ct) + `; action="` + action + `"`)
		}
	}
}
