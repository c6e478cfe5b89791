package mediation

import (
	"bytes"
	"encoding/xml"
	"fmt"

	"github.com/antchfx/xmlquery"
)

// XMLPayload returns the payload as Synapse's XPath sees it: a document
// whose element is a SOAP envelope. A SOAP 1.1/1.2 body is used as is; any
// other payload goes into soapenv:Envelope/soapenv:Body: XML as its root
// element, JSON converted the Synapse way (jsonObject, jsonArray,
// jsonValue), text as Axis2's <text> element. An empty body gives an empty
// envelope. The document is cached until the body changes.
func (mc *MessageContext) XMLPayload() (*xmlquery.Node, error) {
	if !mc.xmlParsed {
		mc.xmlDoc, mc.xmlErr = mc.buildXML()
		mc.xmlErr = badPayload(mc.xmlErr)
		mc.xmlParsed = true
	}
	return mc.xmlDoc, mc.xmlErr
}

// buildXML builds the view by the body's format, as Axis2 picks a builder
// by content type: JSON as jsonObject, form data as <xformValues>, text/plain
// as <text> whatever it holds; an unlabelled body that is neither JSON nor
// XML is text too.
func (mc *MessageContext) buildXML() (*xmlquery.Node, error) {
	if err := mc.LoadBody(); err != nil {
		return nil, err
	}
	body := bytes.TrimSpace(mc.Body())
	if len(body) == 0 {
		doc, _ := newEnvelope()
		return doc, nil
	}
	switch mc.BodyFormat() {
	case FormatJSON:
		if err := CheckJSON(body, mc.jsonLimits()); err != nil {
			return nil, err
		}
		el, err := JSONToElement(body)
		if err != nil {
			return nil, err
		}
		return wrapInEnvelope(el), nil
	case FormatForm:
		return wrapInEnvelope(formToElement(body)), nil
	case FormatXML, FormatSOAP11, FormatSOAP12:
		return mc.parseXMLBody(body)
	}
	return wrapInEnvelope(textElement(mc.Body())), nil
}

// textElement is Axis2's text wrapper, <text xmlns=".../payload">.
func textElement(s []byte) *xmlquery.Node {
	el := newElement("text", "", TextPayloadNS)
	el.Attr = []xmlquery.Attr{{Name: xml.Name{Local: "xmlns"}, Value: TextPayloadNS}}
	xmlquery.AddChild(el, &xmlquery.Node{Type: xmlquery.TextNode, Data: string(s)})
	return el
}

func (mc *MessageContext) parseXMLBody(body []byte) (*xmlquery.Node, error) {
	if err := CheckXML(body, mc.xmlLimits()); err != nil {
		return nil, err
	}
	doc, err := xmlquery.ParseWithOptions(bytes.NewReader(body),
		xmlquery.ParserOptions{Decoder: &xmlquery.DecoderOptions{Strict: true}})
	if err != nil {
		return nil, fmt.Errorf("parse xml payload: %w", err)
	}
	root := documentElement(doc)
	if root == nil {
		return nil, fmt.Errorf("parse xml payload: no root element")
	}
	if root.Data == "Envelope" && (root.NamespaceURI == SOAP11NS || root.NamespaceURI == SOAP12NS) {
		dropNonElements(doc)
		return doc, nil
	}
	xmlquery.RemoveFromTree(root)
	return wrapInEnvelope(root), nil
}

// dropNonElements removes the XML declaration and other top-level
// non-elements: xmlquery reports a declaration as a root node to XPath.
func dropNonElements(doc *xmlquery.Node) {
	for n := doc.FirstChild; n != nil; {
		next := n.NextSibling
		if n.Type != xmlquery.ElementNode {
			xmlquery.RemoveFromTree(n)
		}
		n = next
	}
}

func documentElement(doc *xmlquery.Node) *xmlquery.Node {
	for n := doc.FirstChild; n != nil; n = n.NextSibling {
		if n.Type == xmlquery.ElementNode {
			return n
		}
	}
	return nil
}

// newEnvelope builds an empty SOAP 1.1 envelope with Header and Body, the
// default envelope Axis2 gives REST messages.
func newEnvelope() (doc, body *xmlquery.Node) {
	doc = &xmlquery.Node{Type: xmlquery.DocumentNode}
	env := newElement("Envelope", "soapenv", SOAP11NS)
	env.Attr = []xmlquery.Attr{{Name: xml.Name{Space: "xmlns", Local: "soapenv"}, Value: SOAP11NS}}
	body = newElement("Body", "soapenv", SOAP11NS)
	xmlquery.AddChild(doc, env)
	xmlquery.AddChild(env, newElement("Header", "soapenv", SOAP11NS))
	xmlquery.AddChild(env, body)
	return doc, body
}

func wrapInEnvelope(payload *xmlquery.Node) *xmlquery.Node {
	doc, body := newEnvelope()
	xmlquery.AddChild(body, payload)
	return doc
}

func newElement(local, prefix, ns string) *xmlquery.Node {
	return &xmlquery.Node{Type: xmlquery.ElementNode, Data: local, Prefix: prefix, NamespaceURI: ns}
}

// SOAPPart returns the Envelope, Header or Body element of a document made
// by XMLPayload (local is "Envelope", "Header" or "Body"), or nil.
func SOAPPart(doc *xmlquery.Node, local string) *xmlquery.Node {
	if doc == nil {
		return nil
	}
	env := documentElement(doc)
	if env == nil || local == "Envelope" {
		return env
	}
	for n := env.FirstChild; n != nil; n = n.NextSibling {
		if n.Type == xmlquery.ElementNode && n.Data == local && n.NamespaceURI == env.NamespaceURI {
			return n
		}
	}
	return nil
}

// payloadElement is the first element inside the SOAP body, or nil.
func payloadElement(doc *xmlquery.Node) *xmlquery.Node {
	body := SOAPPart(doc, "Body")
	if body == nil {
		return nil
	}
	for n := body.FirstChild; n != nil; n = n.NextSibling {
		if n.Type == xmlquery.ElementNode {
			return n
		}
	}
	return nil
}
