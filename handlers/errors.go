package handlers

import (
	"errors"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/jsontext"
)

// Error codes written in the JSON error body. The 9008xx/9009xx ones are
// WSO2 API-M's (APISecurityConstants, APIThrottleConstants), so clients and
// fault sequences written for API-M keep working.
const (
	CodeInvalidCredentials = "900901"
	CodeMissingCredentials = "900902"
	CodeThrottledOut       = "900800"
	// CodeMediationError is seqgate's own: a sequence failed and no fault
	// sequence answered. API-M has no public code for this case.
	CodeMediationError = "900500"
	// CodeBadPayload: a sequence needed the request payload and it is
	// malformed or nested too deep (400); CodeBadBackendPayload: the same for
	// the backend's response (502). Both are seqgate's own codes.
	CodeBadPayload        = "900400"
	CodeBadBackendPayload = "900502"
)

// PayloadFault maps an error marked mediation.ErrBadPayload (the message's
// body could not be read) to the answer: the sender's fault, so 400 for the
// client's request and 502 for the backend's answer; a request body over
// the size limit 413, in a coding the gateway cannot decode 415; the
// process-wide buffer budget exhausted 503 either way. ok is false for
// other errors (the gateway's or a sequence's own: 500).
func PayloadFault(err error, dir mediation.Direction) (status int, code, message string, ok bool) {
	switch {
	case errors.Is(err, mediation.ErrBodyBudget):
		return fasthttp.StatusServiceUnavailable, "503", "Service unavailable", true
	case !errors.Is(err, mediation.ErrBadPayload):
		return 0, "", "", false
	case dir == mediation.Out:
		return fasthttp.StatusBadGateway, CodeBadBackendPayload, "Bad backend payload", true
	case errors.Is(err, mediation.ErrBodyTooLarge):
		return fasthttp.StatusRequestEntityTooLarge, "413", "Request entity too large", true
	case errors.Is(err, mediation.ErrUnsupportedEncoding):
		return fasthttp.StatusUnsupportedMediaType, "415", "Unsupported content encoding", true
	}
	return fasthttp.StatusBadRequest, CodeBadPayload, "Bad request payload", true
}

// Synapse error properties (default scope), the contract of fault sequences.
const (
	PropErrorCode    = "ERROR_CODE"
	PropErrorMessage = "ERROR_MESSAGE"
	PropErrorDetail  = "ERROR_DETAIL"
)

// WriteError answers with a WSO2-style JSON error,
// {"code":"900902","message":"Missing Credentials","description":"..."},
// replacing the response body and status, and records the same values in
// ERROR_CODE, ERROR_MESSAGE and ERROR_DETAIL so later mediation (a fault
// sequence, the usage event) sees why the request ended. A 5xx body
// carries PublicDetail instead of the description.
func WriteError(mc *mediation.MessageContext, status int, code, message, description string) {
	WriteErrorPublic(mc, status, code, message, description, "")
}

// WriteErrorPublic is WriteError with public, a fixed text a 5xx body may
// show instead of the generic one (see PublicDetail).
func WriteErrorPublic(mc *mediation.MessageContext, status int, code, message, description, public string) {
	mc.Props.Set(PropErrorCode, code)
	mc.Props.Set(PropErrorMessage, message)
	mc.Props.Set(PropErrorDetail, description)
	writeErrorBody(mc, status, code, message, PublicDetail(mc, status, code, description, public))
}

// writeErrorBody writes the JSON error without touching the properties.
func writeErrorBody(mc *mediation.MessageContext, status int, code, message, description string) {
	WriteErrorResponse(mc.Resp, status, code, message, description)
}

// WriteErrorResponse writes the JSON error into a bare response, for errors
// raised before a message context exists (the server's own 400/413/431).
func WriteErrorResponse(resp *fasthttp.Response, status int, code, message, description string) {
	var arr [512]byte
	b := append(arr[:0], `{"code":`...)
	b = jsontext.AppendString(b, code)
	b = append(b, `,"message":`...)
	b = jsontext.AppendString(b, message)
	b = append(b, `,"description":`...)
	b = jsontext.AppendString(b, description)
	b = append(b, '}')
	resp.ResetBody()
	resp.SetStatusCode(status)
	resp.Header.SetContentType("application/json")
	resp.SetBody(b)
}

// faultNS is the namespace of the fault payload an API-M handler builds in
// Java (APISecurityConstants.API_SECURITY_NS, APIThrottleConstants).
type faultNS struct{ prefix, uri string }

var (
	securityNS   = faultNS{"ams", "http://wso2.org/apimanager/security"}
	throttlingNS = faultNS{"amt", "http://wso2.org/apimanager/throttling"}
)

// faultMimes are the Accept values API-M's Utils.setFaultPayload honours
// (an exact match of the whole header, as there).
var faultMimes = map[string]bool{
	"application/x-www-form-urlencoded": true, "multipart/form-data": true, "text/html": true,
	"application/xml": true, "text/xml": true, "application/soap+xml": true, "text/plain": true,
	"application/json": true, "application/json/badgerfish": true, "text/javascript": true,
}

// setJavaFaultPayload is API-M's Utils.setFaultPayload: the payload becomes
// <ams:fault><ams:code/><ams:message/><ams:description/></ams:fault> and
// the message type the client's Accept header when API-M supports it, else
// the error_message_type property, else XML. The payload is converted to
// that type when it is written (JSON gives {"fault":{...}}, as on API-M 1.x).
func setJavaFaultPayload(mc *mediation.MessageContext, ns faultNS, f *Fault) {
	b := make([]byte, 0, 256)
	b = append(b, '<')
	b = append(b, ns.prefix...)
	b = append(b, ":fault xmlns:"...)
	b = append(b, ns.prefix...)
	b = append(b, `="`...)
	b = append(b, ns.uri...)
	b = append(b, `">`...)
	for _, el := range [3][2]string{{"code", f.Code}, {"message", f.Message}, {"description", f.Detail}} {
		b = append(append(append(b, '<'), ns.prefix...), ':')
		b = append(append(b, el[0]...), '>')
		b = appendXMLText(b, el[1])
		b = append(append(append(b, "</"...), ns.prefix...), ':')
		b = append(append(b, el[0]...), '>')
	}
	b = append(append(append(b, "</"...), ns.prefix...), ":fault>"...)
	mc.SetBody(b)
	mc.SetContentType("application/xml")
	mt := string(mc.Req.Header.Peek(fasthttp.HeaderAccept))
	if !faultMimes[mt] {
		mt, _ = mc.Props.Get(PropErrorMessageType)
	}
	if mt != "" {
		mc.SetProperty(mediation.ScopeAxis2, "messageType", mt)
	}
}

// appendXMLText appends s escaped as XML character data.
func appendXMLText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '&':
			b = append(b, "&amp;"...)
		default:
			b = append(b, c)
		}
	}
	return b
}
