package mediation

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/ohler55/ojg/oj"
)

// SOAP envelope namespaces. A payload that is not already an envelope is
// exposed inside a SOAP 1.1 one, as Axis2 builds it for REST messages.
const (
	SOAP11NS = "http://schemas.xmlsoap.org/soap/envelope/"
	SOAP12NS = "http://www.w3.org/2003/05/soap-envelope"
	// TextPayloadNS wraps a text/plain body as Axis2's <text> element.
	TextPayloadNS = "http://ws.apache.org/commons/ns/payload"
)

// ErrPayloadTooDeep is returned when a payload nests deeper than the limits.
var ErrPayloadTooDeep = errors.New("payload nesting too deep")

// ErrBadPayload marks every error caused by the message's payload itself
// (malformed, too deep) rather than by the gateway or a sequence: the
// client's fault on the request path, the backend's on the response path.
// errors.Is(err, ErrBadPayload) tells them apart from mediation bugs.
var ErrBadPayload = errors.New("bad payload")

// badPayload marks err (nil stays nil) as caused by the payload.
func badPayload(err error) error {
	if err == nil {
		return nil
	}
	return payloadError{err}
}

type payloadError struct{ err error }

// PayloadProblem is what is wrong with the payload in err (an
// ErrBadPayload error): the limit it broke or the parser's complaint,
// without the mediator and expression that found it, for the client's
// error description.
func PayloadProblem(err error) string {
	var p payloadError
	if errors.As(err, &p) {
		return p.err.Error()
	}
	return "the payload could not be read"
}

func (e payloadError) Error() string   { return e.err.Error() }
func (e payloadError) Unwrap() []error { return []error{e.err, ErrBadPayload} }

// CheckPayload is the one gate every reader of the payload goes through:
// the threat-protector limits of the body's format (CheckJSON for JSON,
// CheckXML for XML and SOAP, which also refuses a DTD), checked once per
// body and remembered until it changes. XMLPayload, JSON, the JSONPath
// fast path and CheckedBody call it, so a <log level="full"> or a script
// reading the text meets the same 400 (502 on a response) as a <property>
// with an XPath; a reader that bypassed it let a DTD or a 100,000-deep
// document through to the backend (issue 13). Form and text bodies are
// never parsed as trees and have no limits beyond the body size.
func (mc *MessageContext) CheckPayload() error {
	if err := mc.LoadBody(); err != nil { // read and decoded first (body.go)
		return err
	}
	if !mc.payloadChecked {
		mc.payloadErr = badPayload(mc.checkPayload())
		mc.payloadChecked = true
	}
	return mc.payloadErr
}

func (mc *MessageContext) checkPayload() error {
	body := bytes.TrimSpace(mc.Body())
	if len(body) == 0 {
		return nil
	}
	switch mc.BodyFormat() {
	case FormatJSON:
		return CheckJSON(body, mc.jsonLimits())
	case FormatXML, FormatSOAP11, FormatSOAP12:
		if mc.fastXML() != nil {
			return nil // the byte scan proved CheckXML's checks (xml_scan.go)
		}
		return CheckXML(body, mc.xmlLimits())
	}
	return nil
}

// CheckedBody is the current body for a mediator that reads its bytes as
// they are (a full log, a script's getPayloadText, an enrich body source),
// after CheckPayload.
func (mc *MessageContext) CheckedBody() ([]byte, error) {
	if err := mc.CheckPayload(); err != nil {
		return nil, err
	}
	return mc.Body(), nil
}

// JSON parses the current body as JSON once and caches it until the body
// changes (SetBody, InvalidatePayload). An empty body is (nil, nil). An XML
// body is converted the Synapse way (ElementToJSON on the SOAP body's first
// child), so json-eval works on XML payloads as it does in Synapse.
func (mc *MessageContext) JSON() (any, error) {
	if !mc.jsonParsed {
		mc.jsonDoc, mc.jsonErr = mc.parseJSON()
		mc.jsonErr = badPayload(mc.jsonErr)
		mc.jsonParsed = true
	}
	return mc.jsonDoc, mc.jsonErr
}

func (mc *MessageContext) parseJSON() (any, error) {
	if err := mc.LoadBody(); err != nil {
		return nil, err
	}
	body := bytes.TrimSpace(mc.Body())
	if len(body) == 0 {
		return nil, nil
	}
	if mc.BodyFormat() != FormatJSON {
		doc, err := mc.XMLPayload()
		if err != nil {
			return nil, err
		}
		return ElementToJSON(payloadElement(doc)), nil
	}
	if err := mc.CheckPayload(); err != nil {
		return nil, err
	}
	v, err := oj.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("parse json payload: %w", err)
	}
	return v, nil
}

func (mc *MessageContext) maxJSONDepth() int {
	if mc.Limits.MaxJSONDepth > 0 {
		return mc.Limits.MaxJSONDepth
	}
	return DefaultLimits.MaxJSONDepth
}

func (mc *MessageContext) maxXMLDepth() int {
	if mc.Limits.MaxXMLDepth > 0 {
		return mc.Limits.MaxXMLDepth
	}
	return DefaultLimits.MaxXMLDepth
}

// jsonLimits and xmlLimits are the payload limits with the configured
// depth, checked by CheckJSON/CheckXML before a tree is built (ojg and
// xmlquery have no limits of their own).
func (mc *MessageContext) jsonLimits() JSONLimits {
	l := mc.Limits.JSON
	l.Depth = mc.maxJSONDepth()
	return l
}

func (mc *MessageContext) xmlLimits() XMLLimits {
	l := mc.Limits.XML
	l.Depth = mc.maxXMLDepth()
	return l
}
