package mediation

import (
	"github.com/antchfx/xmlquery"
	"github.com/valyala/fasthttp"
)

// formRoot is the element Axis2's XFormURLEncodedBuilder puts form data in:
// <xformValues><name>value</name>...</xformValues>, one element per field in
// the order sent, repeated names repeated.
const formRoot = "xformValues"

// formToElement builds the <xformValues> view of a form-urlencoded body.
// Field names that are not XML names are made into ones (formFieldName).
func formToElement(body []byte) *xmlquery.Node {
	root := newElement(formRoot, "", "")
	var args fasthttp.Args
	args.ParseBytes(body)
	for k, v := range args.All() {
		el := newElement(formFieldName(string(k)), "", "")
		if len(v) > 0 {
			xmlquery.AddChild(el, &xmlquery.Node{Type: xmlquery.TextNode, Data: string(v)})
		}
		xmlquery.AddChild(root, el)
	}
	return root
}

// formFieldName escapes a field name into an XML name the way JSON keys
// are (a leading digit gets Synapse's _JsonReader_PD_ prefix, which the
// JSON and form writers take off again); other characters XML names cannot
// hold ("a[]", "a b") become '_'.
func formFieldName(k string) string {
	k = jsonKeyToXML(k)
	b := []byte(k)
	for i, c := range b {
		if !isNameByte(c, i == 0) {
			b[i] = '_'
		}
	}
	return string(b)
}

func isNameByte(c byte, first bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c >= 0x80:
		return true
	case first:
		return false
	}
	return c >= '0' && c <= '9' || c == '-' || c == '.'
}

// elementToForm writes the child elements of el as name=value pairs, as
// Axis2's XFormURLEncodedFormatter does (values are the elements' text).
func elementToForm(dst []byte, el *xmlquery.Node) []byte {
	if el == nil {
		return dst
	}
	for c := el.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != xmlquery.ElementNode {
			continue
		}
		if len(dst) > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, javaURLEncode(xmlNameToJSONKey(c.Data))...)
		dst = append(dst, '=')
		dst = append(dst, javaURLEncode(c.InnerText())...)
	}
	return dst
}
