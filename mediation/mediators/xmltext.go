package mediators

import (
	"encoding/xml"
	"strings"

	"github.com/beevik/etree"

	"github.com/seqgate/seqgate/mediation/jsontext"
)

// serializeElement writes el (a payloadFactory format or an inline property
// value) as XML text, declaring on it the namespaces it inherits from the
// sequence file, as Axiom's toString does. That includes the Synapse
// default namespace for unprefixed elements: Synapse's output carries
// xmlns="http://ws.apache.org/ns/synapse" there too, and clients that
// work with API-M have learnt to expect it (xmlns="" on the element avoids it).
func serializeElement(el *etree.Element) (string, error) {
	cp := el.Copy()
	prefixes, needDefault := undeclared(cp)
	var decls []etree.Attr
	if needDefault {
		if uri := inheritedDefault(el); uri != "" {
			decls = append(decls, etree.Attr{Key: "xmlns", Value: uri})
		}
	}
	inScope := namespacesOf(el)
	for _, p := range prefixes {
		if uri, ok := inScope[p]; ok {
			decls = append(decls, etree.Attr{Space: "xmlns", Key: p, Value: uri})
		}
	}
	for i := len(decls) - 1; i >= 0; i-- { // declarations first, in order
		cp.CreateAttr(decls[i].FullKey(), decls[i].Value)
		n := len(cp.Attr)
		cp.Attr = append(cp.Attr[n-1:], cp.Attr[:n-1]...)
	}
	doc := etree.NewDocument()
	doc.SetRoot(cp)
	return doc.WriteToString()
}

// undeclared lists the prefixes used in the subtree of root but declared
// neither on the element using them nor on an ancestor inside the subtree,
// and whether an unprefixed element has no default namespace declaration
// inside the subtree.
func undeclared(root *etree.Element) (prefixes []string, needDefault bool) {
	seen := map[string]bool{}
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		if e.Space == "" && !declares(e, "", "xmlns") {
			needDefault = true
		}
		use := func(p string) {
			if p != "" && p != "xml" && p != "xmlns" && !seen[p] && !declares(e, "xmlns", p) {
				seen[p] = true
				prefixes = append(prefixes, p)
			}
		}
		use(e.Space)
		for _, a := range e.Attr {
			use(a.Space)
		}
		for _, ch := range e.ChildElements() {
			walk(ch)
		}
	}
	walk(root)
	return prefixes, needDefault
}

// declares reports whether e or one of its ancestors (within its tree)
// carries the attribute space:key.
func declares(e *etree.Element, space, key string) bool {
	for ; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if a.Space == space && a.Key == key {
				return true
			}
		}
	}
	return false
}

// inheritedDefault is the default namespace in scope at el.
func inheritedDefault(el *etree.Element) string {
	for e := el; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if a.Space == "" && a.Key == "xmlns" {
				return a.Value
			}
		}
	}
	return ""
}

// namespacesOf is the prefix -> URI map in scope at el.
func namespacesOf(el *etree.Element) map[string]string {
	ns := map[string]string{}
	for e := el; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if _, ok := ns[a.Key]; a.Space == "xmlns" && !ok {
				ns[a.Key] = a.Value
			}
		}
	}
	return ns
}

// looksXML is Synapse's isXML: the trimmed value ends with '>' and parses
// as one XML element. The cheap checks come first: most values are not XML.
func looksXML(v string) bool {
	t := strings.TrimSpace(v)
	if len(t) < 4 || t[0] != '<' || t[len(t)-1] != '>' {
		return false
	}
	return checkXML(t) == nil
}

// appendXMLEscaped appends s escaped for XML text and attribute values,
// with the named entities Synapse writes (payloadFactory, makefault).
func appendXMLEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		case '\'':
			esc = "&apos;"
		default:
			continue
		}
		b = append(append(b, s[last:i]...), esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

// xmlEscapeText escapes an E4X literal's {expression} value (script
// mediator). Not appendXMLEscaped: the value may land in an attribute,
// where a literal newline or tab would be normalised to a space, so it
// keeps them as character references (&#xA;) as encoding/xml does.
func xmlEscapeText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// appendJSONEscaped appends s escaped for the inside of a JSON string (the
// template supplies the quotes, as in "$1"): jsontext.AppendEscaped.
func appendJSONEscaped(b []byte, s string) []byte { return jsontext.AppendEscaped(b, s) }
