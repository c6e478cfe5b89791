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

func (e payloadError) Error() string   { return e.err.Error() }
func (e payloadError) Unwrap() []error { return []error{e.err, ErrBadPayload} }

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
	if err := CheckJSON(body, mc.jsonLimits()); err != nil {
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
