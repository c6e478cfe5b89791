package format

import (
	"fmt"

	"github.com/beevik/etree"
)

// Equal reports, as an error naming the first difference, whether two
// documents differ in anything but layout: the whitespace-only text
// between the children of an element whose content is re-indented (see
// verbatim) and at the top level, and the form of the XML declaration.
// Elements, attributes (order included), text, CDATA, comments and
// processing instructions must match exactly. It is what "formatting does
// not change meaning" is checked against.
func Equal(a, b *etree.Document) error {
	return equalTokens("/", layoutChildren(a.Child), layoutChildren(b.Child))
}

func equalTokens(path string, a, b []etree.Token) error {
	if len(a) != len(b) {
		return fmt.Errorf("%s: %d children, now %d", path, len(a), len(b))
	}
	for i := range a {
		if err := equalToken(fmt.Sprintf("%s[%d]", path, i), a[i], b[i]); err != nil {
			return err
		}
	}
	return nil
}

func equalToken(path string, a, b etree.Token) error {
	switch x := a.(type) {
	case *etree.Element:
		y, ok := b.(*etree.Element)
		if !ok {
			return fmt.Errorf("%s: element <%s> became %T", path, x.FullTag(), b)
		}
		return equalElement(path, x, y)
	case *etree.CharData:
		y, ok := b.(*etree.CharData)
		if !ok || x.Data != y.Data || x.IsCData() != y.IsCData() {
			return fmt.Errorf("%s: text %q changed", path, x.Data)
		}
	case *etree.Comment:
		if y, ok := b.(*etree.Comment); !ok || x.Data != y.Data {
			return fmt.Errorf("%s: comment %q changed", path, x.Data)
		}
	case *etree.ProcInst:
		y, ok := b.(*etree.ProcInst)
		if !ok || x.Target != y.Target || x.Target != "xml" && x.Inst != y.Inst {
			return fmt.Errorf("%s: processing instruction %q changed", path, x.Target)
		}
	case *etree.Directive:
		if y, ok := b.(*etree.Directive); !ok || x.Data != y.Data {
			return fmt.Errorf("%s: directive changed", path)
		}
	}
	return nil
}

func equalElement(path string, a, b *etree.Element) error {
	path += "<" + a.FullTag() + ">"
	if a.FullTag() != b.FullTag() {
		return fmt.Errorf("%s: tag became <%s>", path, b.FullTag())
	}
	if len(a.Attr) != len(b.Attr) {
		return fmt.Errorf("%s: %d attributes, now %d", path, len(a.Attr), len(b.Attr))
	}
	for i, x := range a.Attr {
		if y := b.Attr[i]; x.FullKey() != y.FullKey() || x.Value != y.Value {
			return fmt.Errorf("%s: attribute %s=%q became %s=%q", path, x.FullKey(), x.Value, y.FullKey(), y.Value)
		}
	}
	if verbatim(a) {
		return equalTokens(path, a.Child, b.Child)
	}
	return equalTokens(path, layoutChildren(a.Child), layoutChildren(b.Child))
}
