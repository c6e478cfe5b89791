package mediation

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

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
	body := bytes.TrimSpace(mc.Body())
	if len(body) == 0 {
		return nil, nil
	}
	if !mc.bodyIsJSON(body) {
		doc, err := mc.XMLPayload()
		if err != nil {
			return nil, err
		}
		return ElementToJSON(payloadElement(doc)), nil
	}
	if err := checkJSONDepth(body, mc.maxJSONDepth()); err != nil {
		return nil, err
	}
	v, err := oj.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("parse json payload: %w", err)
	}
	return v, nil
}

// bodyIsJSON tells a JSON body from XML or text the way the Axis2 builders
// are chosen: by Content-Type, or by the first byte when that says nothing.
func (mc *MessageContext) bodyIsJSON(trimmed []byte) bool {
	ct := mc.ContentType()
	if strings.Contains(strings.ToLower(ct), "json") {
		return true
	}
	return len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
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

// checkJSONDepth scans for { and [ outside strings: ojg has no depth limit
// and a recursive conversion must not meet a hostile nesting.
func checkJSONDepth(b []byte, max int) error {
	depth, inStr, esc := 0, false, false
	for _, c := range b {
		switch {
		case inStr:
			if esc {
				esc = false
			} else if c == '\\' {
				esc = true
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			if depth++; depth > max {
				return fmt.Errorf("json payload: %w (limit %d)", ErrPayloadTooDeep, max)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

// checkXMLDepth pre-scans an XML body with a streaming decoder: xmlquery
// builds the whole tree with no nesting limit.
func checkXMLDepth(b []byte, max int) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	depth := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("parse xml payload: %w", err)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > max {
				return fmt.Errorf("xml payload: %w (limit %d)", ErrPayloadTooDeep, max)
			}
		case xml.EndElement:
			depth--
		}
	}
}
