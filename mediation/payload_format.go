package mediation

import (
	"bytes"
	"encoding/xml"
	"strings"
)

// PayloadFormat is the format of a message's body bytes, as the Axis2
// builder (reading) and formatter (writing) for a content type see it.
type PayloadFormat uint8

const (
	// FormatNone: no body, or a content type no builder handles (binary,
	// multipart, unknown): the bytes pass untouched.
	FormatNone PayloadFormat = iota
	FormatJSON
	FormatXML // plain old XML (application/xml and other XML types)
	FormatSOAP11
	FormatSOAP12
	FormatForm // application/x-www-form-urlencoded
	FormatText // text/plain
)

var formatNames = [...]string{"none", "json", "xml", "soap11", "soap12", "form", "text"}

func (f PayloadFormat) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "unknown"
}

// FormatOf maps a content type to the format Axis2's formatter for it
// writes: text/xml is the SOAP 1.1 formatter and application/soap+xml the
// SOAP 1.2 one (axis2.xml of API-M), any other XML type writes plain XML.
func FormatOf(contentType string) PayloadFormat {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch {
	case mt == "":
		return FormatNone
	case mt == "text/xml":
		return FormatSOAP11
	case mt == "application/soap+xml":
		return FormatSOAP12
	case mt == "application/x-www-form-urlencoded":
		return FormatForm
	case mt == "text/plain":
		return FormatText
	case strings.Contains(mt, "json"):
		return FormatJSON
	case mt == "application/xml" || strings.HasSuffix(mt, "+xml") || strings.HasSuffix(mt, "/xml"):
		return FormatXML
	}
	return FormatNone
}

// BodyFormat is the format of the current body bytes. It comes from the
// Content-Type the body arrived (or was built) with, not from a messageType
// set since, which only declares the format to write on the wire. XML
// types are told apart by looking: a SOAP envelope is SOAP whatever its
// label says, text/xml without an envelope is plain XML. A body without a
// known type is JSON when it starts with { or [, XML with <, else none.
func (mc *MessageContext) BodyFormat() PayloadFormat {
	ct := mc.ContentType()
	if mc.pin.active(mc.Dir) {
		ct = mc.pin.srcCT
	}
	body := bytes.TrimSpace(mc.Body())
	if len(body) == 0 {
		return FormatNone
	}
	switch f := FormatOf(ct); f {
	case FormatJSON, FormatForm, FormatText:
		return f
	case FormatNone:
		if body[0] == '{' || body[0] == '[' {
			return FormatJSON
		}
		if body[0] != '<' {
			return FormatNone
		}
	}
	if body[0] != '<' {
		return FormatNone // labelled XML but is not: the parser reports it
	}
	return sniffSOAP(body)
}

// sniffSOAP reads up to the root element: an Envelope in a SOAP namespace
// makes the body SOAP, anything else plain XML.
func sniffSOAP(body []byte) PayloadFormat {
	if !bytes.Contains(body, []byte("Envelope")) {
		return FormatXML
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if err != nil {
			return FormatXML
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch {
			case se.Name.Local != "Envelope":
			case se.Name.Space == SOAP11NS:
				return FormatSOAP11
			case se.Name.Space == SOAP12NS:
				return FormatSOAP12
			}
			return FormatXML
		}
	}
}

// formatPin records a messageType set on the current message: the body keeps
// its format (srcCT is the Content-Type it had) and is converted to the
// declared type (ctype) when it goes on the wire. dir scopes the pin to the
// message it was set on, as Synapse's axis2 scope is per message.
type formatPin struct {
	set   bool
	dir   Direction
	srcCT string
	ctype string
}

func (p *formatPin) active(d Direction) bool { return p.set && p.dir == d }

// declareMessageType is the axis2 messageType property: the Content-Type
// header changes now, the payload when it is serialized for the wire.
func (mc *MessageContext) declareMessageType(ct string) {
	if !mc.pin.active(mc.Dir) {
		mc.pin = formatPin{set: true, dir: mc.Dir, srcCT: mc.ContentType()}
	}
	mc.pin.ctype = ct
	mc.setContentTypeHeader(ct)
}

// MessageType is the declared type of the current message: messageType
// when set, else its Content-Type.
func (mc *MessageContext) MessageType() string {
	if mc.pin.active(mc.Dir) {
		return mc.pin.ctype
	}
	return mc.ContentType()
}
