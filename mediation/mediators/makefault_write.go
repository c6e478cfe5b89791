package mediators

import (
	"fmt"

	"github.com/antchfx/xmlquery"
	"github.com/seqgate/seqgate/mediation"
	"github.com/valyala/bytebufferpool"
)

// writeSOAP writes the fault envelope as Axiom's SOAP factories serialize
// it: prefix soapenv, SOAP 1.1 children unqualified (faultcode,
// faultstring, faultactor, detail), SOAP 1.2 children qualified (Code/Value,
// Reason/Text xml:lang="en", Node, Role, Detail).
func (f *makefault) writeSOAP(buf *bytebufferpool.ByteBuffer, mc *mediation.MessageContext) error {
	reason, err := evalString(f.reason, "reason", mc)
	if err != nil {
		return err
	}
	b := buf.B
	b = append(b, `<soapenv:Envelope xmlns:soapenv="`...)
	b = append(b, envelopeNS(f.version)...)
	b = append(b, `"><soapenv:Body><soapenv:Fault>`...)
	if f.version == soap11 {
		b, err = f.appendSOAP11(b, mc, reason)
	} else {
		b, err = f.appendSOAP12(b, mc, reason)
	}
	if err != nil {
		return err
	}
	buf.B = append(b, `</soapenv:Fault></soapenv:Body></soapenv:Envelope>`...)
	return nil
}

func (f *makefault) appendSOAP11(b []byte, mc *mediation.MessageContext, reason string) ([]byte, error) {
	var err error
	if b, err = f.appendCode(b, mc, "faultcode"); err != nil {
		return nil, err
	}
	b = appendElem(b, "faultstring", reason)
	if f.role != "" {
		b = appendElem(b, "faultactor", f.role)
	}
	return f.appendDetail(b, mc, "detail")
}

func (f *makefault) appendSOAP12(b []byte, mc *mediation.MessageContext, reason string) ([]byte, error) {
	b = append(b, "<soapenv:Code>"...)
	b, err := f.appendCode(b, mc, "soapenv:Value")
	if err != nil {
		return nil, err
	}
	b = append(b, `</soapenv:Code><soapenv:Reason><soapenv:Text xml:lang="en">`...)
	b = appendXMLEscaped(b, reason)
	b = append(b, "</soapenv:Text></soapenv:Reason>"...)
	if f.node != "" {
		b = appendElem(b, "soapenv:Node", f.node)
	}
	if f.role != "" {
		b = appendElem(b, "soapenv:Role", f.role)
	}
	return f.appendDetail(b, mc, "soapenv:Detail")
}

// appendCode writes the code QName. A code in the envelope namespace uses
// the envelope's prefix (Axiom reuses a declared prefix); any other
// namespace is declared on the element.
func (f *makefault) appendCode(b []byte, mc *mediation.MessageContext, tag string) ([]byte, error) {
	local, prefix := f.code.local, "soapenv"
	if f.code.expr != nil {
		s, err := f.code.expr.String(mc)
		if err != nil {
			return nil, fmt.Errorf("makefault code: %w", err)
		}
		local = s
	}
	b = append(append(b, '<'), tag...)
	if f.code.expr == nil && f.code.uri != envelopeNS(f.version) {
		prefix = f.code.prefix
		b = append(b, " xmlns:"+prefix+`="`...)
		b = appendXMLEscaped(b, f.code.uri)
		b = append(b, '"')
	}
	b = append(b, '>')
	b = appendXMLEscaped(b, prefix+":"+local)
	return append(append(append(b, "</"...), tag...), '>'), nil
}

// appendDetail writes the detail element, if any: inline XML as written,
// an expression's selected elements as XML, else its string, escaped.
func (f *makefault) appendDetail(b []byte, mc *mediation.MessageContext, tag string) ([]byte, error) {
	if !f.detail.set {
		return b, nil
	}
	b = append(append(append(b, '<'), tag...), '>')
	switch {
	case f.detail.expr != nil:
		xml, s, err := exprXMLOrString(f.detail.expr, mc)
		if err != nil {
			return nil, fmt.Errorf("makefault detail: %w", err)
		}
		if xml != "" {
			b = append(b, xml...)
		} else {
			b = appendXMLEscaped(b, s)
		}
	case f.detail.xml != "":
		b = append(b, f.detail.xml...)
	default:
		b = appendXMLEscaped(b, f.detail.text)
	}
	return append(append(append(b, "</"...), tag...), '>'), nil
}

// writePOX writes <Exception> holding the detail, else the reason, as
// FaultMediator.makePOXFault does.
func (f *makefault) writePOX(buf *bytebufferpool.ByteBuffer, mc *mediation.MessageContext) error {
	var text string
	var err error
	switch {
	case f.detail.expr != nil:
		text, err = f.detail.expr.String(mc)
	case f.detail.set && f.detail.xml == "":
		text = f.detail.text
	case f.hasReason:
		text, err = f.reason.eval(mc)
	}
	if err != nil {
		return fmt.Errorf("makefault: %w", err)
	}
	if text == "" {
		buf.B = append(buf.B, "<Exception/>"...)
		return nil
	}
	buf.B = appendElem(buf.B, "Exception", text)
	return nil
}

func appendElem(b []byte, tag, text string) []byte {
	b = append(append(append(b, '<'), tag...), '>')
	b = appendXMLEscaped(b, text)
	return append(append(append(b, "</"...), tag...), '>')
}

// exprXMLOrString evaluates e: the XML of the elements an XPath selects
// (Synapse adds selected nodes as they are), else the string value.
func exprXMLOrString(e mediation.Expression, mc *mediation.MessageContext) (xml, s string, err error) {
	if sel, ok := e.(mediation.NodeSelector); ok {
		nodes, isSet, err := sel.SelectNodes(mc)
		if err != nil {
			return "", "", err
		}
		if isSet && len(nodes) > 0 && nodes[0].Attr == "" && nodes[0].Node.Type == xmlquery.ElementNode {
			for _, n := range nodes {
				if n.Attr == "" && n.Node.Type == xmlquery.ElementNode {
					xml += n.Node.OutputXML(true)
				}
			}
			return xml, "", nil
		}
	}
	s, err = e.String(mc)
	return "", s, err
}
