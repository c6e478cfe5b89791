package mediation

import (
	"bytes"
	"encoding/xml"
	"strings"
	"unsafe"
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
	return formatOfMediaType(mt)
}

// formatOfBytes is FormatOf of a Content-Type header's bytes without a
// string copy: BodyFormat runs several times per message (every reader
// asks), and its copy of the header was most of the XML chain's
// allocations. An ASCII type is lower-cased on the stack; anything else
// (Unicode case folding) goes through FormatOf.
func formatOfBytes(ct []byte) PayloadFormat {
	if i := bytes.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = bytes.TrimSpace(ct)
	if len(ct) == 0 {
		return FormatNone
	}
	mt := lowerMediaType(ct, new([64]byte))
	if mt == "" {
		return FormatOf(string(ct))
	}
	return formatOfMediaType(mt)
}

// lowerMediaType is mt lower-cased in buf (which must not escape), or ""
// when mt is empty, longer than buf or not ASCII (strings.ToLower's
// Unicode mapping is then the caller's).
func lowerMediaType(mt []byte, buf *[64]byte) string {
	if len(mt) == 0 || len(mt) > len(buf) {
		return ""
	}
	for i, c := range mt {
		if c >= 0x80 {
			return ""
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return unsafe.String(&buf[0], len(mt))
}

// formatOfMediaType is FormatOf of a trimmed, lower-case media type.
func formatOfMediaType(mt string) PayloadFormat {
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
	body := bytes.TrimSpace(mc.Body())
	if len(body) == 0 {
		return FormatNone
	}
	var f PayloadFormat
	if mc.pin.active(mc.Dir) {
		f = FormatOf(mc.pin.srcCT)
	} else {
		f = formatOfBytes(mc.contentTypeBytes())
	}
	switch f {
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
		mc.pin = formatPin{set: true, dir: mc.Dir, srcCT: internContentType(mc.contentTypeBytes())}
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

// contentTypeBytes is the current message's Content-Type header, valid
// until the header changes.
func (mc *MessageContext) contentTypeBytes() []byte {
	if mc.Dir == Out {
		return mc.Resp.Header.ContentType()
	}
	return mc.Req.Header.ContentType()
}

// internContentType is string(ct), without a copy for the commonest
// types (a messageType pin keeps the type the body arrived with).
func internContentType(ct []byte) string {
	switch string(ct) {
	case "application/json":
		return "application/json"
	case "application/xml":
		return "application/xml"
	case "text/xml":
		return "text/xml"
	case "application/soap+xml":
		return "application/soap+xml"
	case "text/plain":
		return "text/plain"
	case "application/json; charset=UTF-8":
		return "application/json; charset=UTF-8"
	case "application/json; charset=utf-8":
		return "application/json; charset=utf-8"
	case "text/xml; charset=UTF-8":
		return "text/xml; charset=UTF-8"
	case "text/xml; charset=utf-8":
		return "text/xml; charset=utf-8"
	}
	return string(ct)
}

// SetXMLContentType labels an XML payload a mediator built
// (payloadFactory media-type="xml"): the message's own Content-Type stays
// when it is already application/xml, text/xml or application/soap+xml
// (Synapse keeps text/xml and SOAP types), else it becomes
// application/xml. A pending messageType is dropped, as SetContentType
// does; a kept header is not copied.
func (mc *MessageContext) SetXMLContentType() {
	ct := mc.contentTypeBytes()
	if i := bytes.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	switch lowerMediaType(bytes.TrimSpace(ct), new([64]byte)) {
	case "application/xml", "text/xml", "application/soap+xml":
		if mc.pin.dir == mc.Dir {
			mc.pin = formatPin{}
		}
		return
	case "":
		if mt := strings.ToLower(strings.TrimSpace(string(ct))); mt == "application/xml" || mt == "text/xml" || mt == "application/soap+xml" {
			mc.SetContentType(mc.ContentType())
			return
		}
	}
	mc.SetContentType("application/xml")
}
