package mediation

import (
	"strconv"
	"strings"
	"time"
)

// special answers the names Synapse's GetPropertyFunction computes rather
// than stores (default scope, after the property map):
//
//   - SYSTEM_TIME: epoch milliseconds; SYSTEM_DATE: the date in Java's
//     default SimpleDateFormat pattern (get-property('SYSTEM_DATE', fmt)
//     takes a pattern; see xpath/date.go).
//   - MESSAGE_FORMAT: soap11 or soap12 for a SOAP body, else pox (Axis2
//     treats every REST message, JSON included, as "doing POX").
//   - To: the request URI the client sent (path and query) on the request
//     path; empty on the response, as a Synapse response has no To.
//   - MessageID: a urn:uuid, made once per message and then kept.
//   - FAULT: "true" when the payload is a SOAP Fault, else "false".
//   - OperationName: "mediate", the operation Synapse dispatches REST APIs to.
//   - Action: the SOAPAction header (without quotes), or the action
//     parameter of a SOAP 1.2 Content-Type.
//   - From, ReplyTo, FaultTo, RelatesTo: no WS-Addressing here, always empty.
func (mc *MessageContext) special(name string) (string, bool) {
	switch name {
	case "SYSTEM_TIME":
		return strconv.FormatInt(time.Now().UnixMilli(), 10), true
	case "SYSTEM_DATE":
		return time.Now().Format("1/2/06 3:04 PM"), true
	case "MESSAGE_FORMAT":
		return mc.messageFormat(), true
	case "To":
		if mc.Dir == Out {
			return "", false
		}
		return string(mc.Req.URI().RequestURI()), true
	case "MessageID":
		// computed once per message, then kept like any property
		id := newMessageID()
		mc.Props.Set("MessageID", id)
		return id, true
	case "FAULT":
		return strconv.FormatBool(mc.isSOAPFault()), true
	case "OperationName":
		return "mediate", true
	case "Action":
		a := mc.soapAction()
		return a, a != ""
	}
	return "", false
}

// messageFormat is get-property('MESSAGE_FORMAT') from the body's format.
func (mc *MessageContext) messageFormat() string {
	switch mc.BodyFormat() {
	case FormatSOAP11:
		return "soap11"
	case FormatSOAP12:
		return "soap12"
	}
	return "pox"
}

// isSOAPFault reports whether the payload is a SOAP 1.1 or 1.2 Fault. A
// payload that does not parse is no fault.
func (mc *MessageContext) isSOAPFault() bool {
	f := mc.BodyFormat()
	if f != FormatSOAP11 && f != FormatSOAP12 {
		return false
	}
	doc, err := mc.XMLPayload()
	if err != nil {
		return false
	}
	el := payloadElement(doc)
	return el != nil && el.Data == "Fault" && (el.NamespaceURI == SOAP11NS || el.NamespaceURI == SOAP12NS)
}

func (mc *MessageContext) soapAction() string {
	if a := mc.HeaderBytes("SOAPAction"); len(a) > 0 {
		return strings.Trim(string(a), `"`)
	}
	for _, p := range strings.Split(mc.ContentType(), ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(k, "action") {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}
