package format

import "github.com/beevik/etree"

// verbatimTags hold data rather than mediators: a payloadFactory template,
// a script, an inline schema, a fault detail. Their content, whitespace
// included, is what the message gets.
var verbatimTags = map[string]bool{
	"format": true, "script": true, "schema": true, "detail": true,
}

// verbatim reports whether the content of el must be written as parsed
// rather than re-indented. Besides verbatimTags: enrich's inline source,
// a <property> or <header> whose value is inline XML (serialised with its
// whitespace), and any element holding text or CDATA of its own (its
// whitespace cannot be told apart from data).
func verbatim(el *etree.Element) bool {
	switch {
	case verbatimTags[el.Tag]:
		return true
	case el.Tag == "source" && el.SelectAttrValue("type", "") == "inline":
		return true
	case (el.Tag == "property" || el.Tag == "header") && len(el.ChildElements()) > 0:
		return true
	}
	return hasOwnText(el)
}

// hasOwnText reports non-whitespace text or any CDATA directly in el.
func hasOwnText(el *etree.Element) bool {
	for _, t := range el.Child {
		if cd, ok := t.(*etree.CharData); ok && (cd.IsCData() || !cd.IsWhitespace()) {
			return true
		}
	}
	return false
}
