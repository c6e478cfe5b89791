package mediators

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/antchfx/xmlquery"
	"github.com/seqgate/seqgate/mediation"
)

// maxFragmentDepth bounds XML parsed from a property or inline source.
const maxFragmentDepth = 256

// writeBack serializes the changed payload document into the body: the
// whole envelope when the message was one, the JSON form of the payload
// when it was JSON, else the payload element(s).
func writeBack(mc *mediation.MessageContext, doc *xmlquery.Node, wasEnv, wasJSON bool) error {
	if wasEnv {
		mc.SetBody([]byte(mediation.SOAPPart(doc, "Envelope").OutputXML(true)))
		return nil
	}
	kids := elementChildren(mediation.SOAPPart(doc, "Body"))
	if wasJSON {
		var v any
		var src mediation.KeyOrder
		if len(kids) > 0 {
			v, src = mediation.ElementToJSON(kids[0]), mediation.ElementOrder(kids[0])
		}
		return setJSONBodyFrom(mc, v, src)
	}
	var b strings.Builder
	for _, k := range kids {
		b.WriteString(k.OutputXML(true))
	}
	mc.SetBody([]byte(b.String()))
	return nil
}

func elementChildren(n *xmlquery.Node) []*xmlquery.Node {
	if n == nil {
		return nil
	}
	var out []*xmlquery.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xmlquery.ElementNode {
			out = append(out, c)
		}
	}
	return out
}

// parseXMLFragment parses one XML element (bounded depth) into nodes.
func parseXMLFragment(s string) ([]*xmlquery.Node, error) {
	if err := checkDepth(s); err != nil {
		return nil, err
	}
	doc, err := xmlquery.ParseWithOptions(strings.NewReader(s),
		xmlquery.ParserOptions{Decoder: &xmlquery.DecoderOptions{Strict: true}})
	if err != nil {
		return nil, fmt.Errorf("parse xml: %w", err)
	}
	kids := elementChildren(doc)
	for _, k := range kids {
		xmlquery.RemoveFromTree(k)
	}
	if len(kids) == 0 {
		return nil, errors.New("parse xml: no element")
	}
	return kids, nil
}

func checkDepth(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	depth := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("parse xml: %w", err)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxFragmentDepth {
				return fmt.Errorf("parse xml: nesting deeper than %d", maxFragmentDepth)
			}
		case xml.EndElement:
			depth--
		}
	}
}

// copyNode deep-copies a node (payload depth is already bounded).
func copyNode(n *xmlquery.Node) *xmlquery.Node {
	c := &xmlquery.Node{Type: n.Type, Data: n.Data, Prefix: n.Prefix, NamespaceURI: n.NamespaceURI,
		Attr: append([]xmlquery.Attr(nil), n.Attr...)}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		xmlquery.AddChild(c, copyNode(ch))
	}
	return c
}

func copyJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = copyJSON(x)
		}
		return m
	case []any:
		a := make([]any, len(t))
		for i, x := range t {
			a[i] = copyJSON(x)
		}
		return a
	}
	return v
}

// isJSONBody tells a JSON payload the way the payload layer does: by
// Content-Type, else by the first byte.
func isJSONBody(mc *mediation.MessageContext) bool {
	if isJSONContentType(mc.ContentType()) {
		return true
	}
	b := bytes.TrimSpace(mc.Body())
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// isEnvelopeBody reports whether the body is itself a SOAP envelope.
func isEnvelopeBody(mc *mediation.MessageContext) bool {
	b := bytes.TrimSpace(mc.Body())
	if len(b) == 0 || b[0] != '<' {
		return false
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.RawToken()
		if err != nil {
			return false
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local == "Envelope"
		}
	}
}

func isJSONContentType(ct string) bool { return strings.Contains(strings.ToLower(ct), "json") }

func isXMLContentType(ct string) bool { return strings.Contains(strings.ToLower(ct), "xml") }
