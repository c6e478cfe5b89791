package mediation

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// ErrPayloadLimit is returned when a payload breaks one of the structural
// limits of WSO2's XML and JSON threat protectors (depth excepted, which
// keeps ErrPayloadTooDeep). The payload code marks it ErrBadPayload: 400 on
// a request, 502 on a backend response.
var ErrPayloadLimit = errors.New("payload over limit")

// XMLLimits are WSO2's XML threat protector limits (xml_validator
// properties in brackets). Zero means no limit, except Depth, where zero
// means DefaultLimits.MaxXMLDepth.
type XMLLimits struct {
	Depth           int // maxXMLDepth
	Elements        int // maxElementCount, in the whole document
	Attributes      int // maxAttributeCount, per element, xmlns declarations included
	AttributeLength int // maxAttributeLength, bytes of one value
	Children        int // maxChildrenPerElement, child elements of one element
	TextLength      int // bytes of one text node (CDATA included)
}

// JSONLimits are WSO2's JSON threat protector limits (json_validator
// properties in brackets). Zero means no limit, except Depth, where zero
// means DefaultLimits.MaxJSONDepth, and DuplicateKeys, where zero (false)
// means a repeated property name is refused. Lengths count bytes as sent,
// escapes included.
type JSONLimits struct {
	Depth        int // maxJSONDepth
	Keys         int // maxPropertyCount, per object
	ArrayLength  int // maxArrayElementCount, per array
	StringLength int // maxStringLength, one string value
	KeyLength    int // maxKeyLength, one property name
	// DuplicateKeys lets one object name a property twice
	// (limits.json_duplicate_keys: allow); see ErrDuplicateKey.
	DuplicateKeys bool
}

// CheckXML scans an XML payload with a streaming tokenizer before anything
// builds a tree of it (xmlquery has no limits of its own). A document type
// declaration is refused: SOAP forbids it, and entities are the oldest XML
// bomb. Malformed XML is reported as a parse error.
func CheckXML(b []byte, l XMLLimits) error {
	if l.Depth <= 0 {
		l.Depth = DefaultLimits.MaxXMLDepth
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	children := make([]int, 0, 16) // child elements per open element
	elements, text := 0, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("parse xml payload: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			text = 0
			if len(children) >= l.Depth {
				return fmt.Errorf("xml payload: %w (limit %d)", ErrPayloadTooDeep, l.Depth)
			}
			if elements++; over(elements, l.Elements) {
				return xmlLimit("elements", l.Elements)
			}
			if n := len(children); n > 0 {
				if children[n-1]++; over(children[n-1], l.Children) {
					return xmlLimit("children of one element", l.Children)
				}
			}
			children = append(children, 0)
			if err := checkAttrs(t.Attr, l); err != nil {
				return err
			}
		case xml.EndElement:
			text = 0
			if len(children) > 0 {
				children = children[:len(children)-1]
			}
		case xml.CharData:
			if text += len(t); over(text, l.TextLength) {
				return xmlLimit("bytes in one text node", l.TextLength)
			}
		case xml.Directive:
			return fmt.Errorf("xml payload: %w: a document type declaration is not accepted", ErrPayloadLimit)
		default:
			text = 0
		}
	}
}

func checkAttrs(attrs []xml.Attr, l XMLLimits) error {
	if over(len(attrs), l.Attributes) {
		return xmlLimit("attributes on one element", l.Attributes)
	}
	for _, a := range attrs {
		if over(len(a.Value), l.AttributeLength) {
			return xmlLimit("bytes in one attribute value", l.AttributeLength)
		}
	}
	return nil
}

func over(n, limit int) bool { return limit > 0 && n > limit }

func xmlLimit(what string, limit int) error {
	return fmt.Errorf("xml payload: %w: more than %d %s", ErrPayloadLimit, limit, what)
}

func jsonLimit(what string, limit int) error {
	return fmt.Errorf("json payload: %w: more than %d %s", ErrPayloadLimit, limit, what)
}
