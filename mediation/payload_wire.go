package mediation

import (
	"bytes"
	"fmt"

	"github.com/antchfx/xmlquery"
)

// SerializeForWire writes the current message's payload in the type its
// messageType declares, as Axis2's message formatters do when a message
// leaves Synapse: JSON, plain XML (the SOAP body's first element, so JSON
// arrives as <jsonObject>), a SOAP 1.1 (text/xml) or 1.2
// (application/soap+xml) envelope, form-urlencoded fields, or text. It runs
// where the message goes on the wire: before the backend call, before a
// respond or loopback turns the request into the response, and before the
// client is answered. Without a messageType change it does nothing and the
// bytes go out untouched (no parse). A body of no known format (binary,
// multipart) is relabelled, never converted. A payload that cannot be read
// returns an error marked ErrBadPayload, as does a body the gate refused
// (LoadBody) when a mediator tried to read it.
func (mc *MessageContext) SerializeForWire() error {
	if err := mc.BodyError(); err != nil {
		return err // a reader was refused the body: it does not go on either
	}
	if !mc.pin.active(mc.Dir) {
		return nil
	}
	declared := mc.pin.ctype
	if len(mc.HeaderBytes("Content-Type")) == 0 {
		mc.setContentTypeHeader(declared) // ContentType was removed: messageType labels it
	}
	from, to := mc.BodyFormat(), FormatOf(declared)
	if from == to || from == FormatNone || to == FormatNone {
		mc.pin = formatPin{}
		return nil
	}
	if !mc.convertFast(from, to) { // straight from the bytes when it can (convert_fast.go)
		out, err := mc.convertPayload(to)
		if err != nil {
			return fmt.Errorf("write %s payload as %s: %w", from, to, err)
		}
		mc.SetBody(out)
	}
	mc.pin = formatPin{} // the body is now what the Content-Type says
	return nil
}

// convertPayload renders the payload's XML view (XMLPayload) in format to.
func (mc *MessageContext) convertPayload(to PayloadFormat) ([]byte, error) {
	if to == FormatJSON {
		v, err := mc.JSON()
		if err != nil {
			return nil, err
		}
		// members in document order, as Synapse's XML-to-JSON formatter
		// writes them (the map has none)
		doc, err := mc.XMLPayload()
		if err != nil {
			return nil, err
		}
		return AppendJSONOrdered(nil, v, ElementOrder(payloadElement(doc))), nil
	}
	doc, err := mc.XMLPayload()
	if err != nil {
		return nil, err
	}
	el := payloadElement(doc)
	switch to {
	case FormatSOAP11:
		return appendEnvelope(nil, doc, SOAP11NS), nil
	case FormatSOAP12:
		return appendEnvelope(nil, doc, SOAP12NS), nil
	case FormatForm:
		return elementToForm(nil, el), nil
	case FormatText:
		if el != nil && el.Data == "text" && el.NamespaceURI == TextPayloadNS {
			return []byte(el.InnerText()), nil
		}
	}
	return appendElementXML(nil, el), nil // xml, and text that is not a <text> wrapper
}

// appendEnvelope writes a SOAP envelope of version ns around the header
// blocks and body content of doc, with the XML declaration Axis2's SOAP
// formatter writes.
func appendEnvelope(dst []byte, doc *xmlquery.Node, ns string) []byte {
	dst = append(dst, `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="`...)
	dst = append(dst, ns...)
	dst = append(dst, `">`...)
	if hdr := SOAPPart(doc, "Header"); hasElementChild(hdr) {
		dst = append(dst, "<soapenv:Header>"...)
		dst = appendChildrenXML(dst, hdr)
		dst = append(dst, "</soapenv:Header>"...)
	}
	dst = append(dst, "<soapenv:Body>"...)
	dst = appendChildrenXML(dst, SOAPPart(doc, "Body"))
	return append(dst, "</soapenv:Body></soapenv:Envelope>"...)
}

func hasElementChild(n *xmlquery.Node) bool {
	if n == nil {
		return false
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xmlquery.ElementNode {
			return true
		}
	}
	return false
}

func appendChildrenXML(dst []byte, parent *xmlquery.Node) []byte {
	if parent == nil {
		return dst
	}
	for c := parent.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xmlquery.ElementNode {
			dst = appendElementXML(dst, c)
		}
	}
	return dst
}

// appendElementXML serializes el on its own: the namespace declarations it
// relies on from its ancestors (an envelope that declared xmlns:m) are
// added to it, as Axiom does when it writes a detached element.
func appendElementXML(dst []byte, el *xmlquery.Node) []byte {
	if el == nil {
		return dst
	}
	extra := inheritedNS(el)
	if len(extra) == 0 {
		return append(dst, el.OutputXML(true)...)
	}
	saved := el.Attr
	el.Attr = append(append(make([]xmlquery.Attr, 0, len(saved)+len(extra)), saved...), extra...)
	dst = append(dst, el.OutputXML(true)...)
	el.Attr = saved
	return dst
}

// logXMLDecl is the declaration Axiom's toString writes before an
// envelope (lower-case utf-8, single quotes), which WSO2 log lines carry.
const logXMLDecl = "<?xml version='1.0' encoding='utf-8'?>"

// AppendLogEnvelope appends the payload as WSO2's <log level="full"> prints
// it after "Envelope: " (Axiom's SOAPEnvelope.toString): the XML
// declaration, then a SOAP envelope received as such as it arrived, or
// Axis2's SOAP 1.1 envelope around the built payload (XML root element,
// <text> wrapper, <xformValues>); an empty body is <soapenv:Body/>. No
// empty Header is written, as none shows in WSO2's logs. JSON payloads are
// not written here: WSO2 logs them as "Payload: " and their text.
func (mc *MessageContext) AppendLogEnvelope(dst []byte) ([]byte, error) {
	if err := mc.CheckPayload(); err != nil {
		return dst, err
	}
	dst = append(dst, logXMLDecl...)
	switch mc.BodyFormat() {
	case FormatSOAP11, FormatSOAP12:
		return append(dst, stripXMLDecl(bytes.TrimSpace(mc.Body()))...), nil
	}
	doc, err := mc.XMLPayload()
	if err != nil {
		return dst, err
	}
	dst = append(dst, `<soapenv:Envelope xmlns:soapenv="`+SOAP11NS+`">`...)
	if hdr := SOAPPart(doc, "Header"); hasElementChild(hdr) {
		dst = append(dst, "<soapenv:Header>"...)
		dst = appendChildrenXML(dst, hdr)
		dst = append(dst, "</soapenv:Header>"...)
	}
	if body := SOAPPart(doc, "Body"); hasElementChild(body) {
		dst = append(dst, "<soapenv:Body>"...)
		dst = appendChildrenXML(dst, body)
		dst = append(dst, "</soapenv:Body>"...)
	} else {
		dst = append(dst, "<soapenv:Body/>"...)
	}
	return append(dst, "</soapenv:Envelope>"...), nil
}

// stripXMLDecl drops a leading <?xml ...?> declaration and the blanks
// after it.
func stripXMLDecl(b []byte) []byte {
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		return b
	}
	if i := bytes.Index(b, []byte("?>")); i >= 0 {
		return bytes.TrimLeft(b[i+2:], " \t\r\n")
	}
	return b
}
