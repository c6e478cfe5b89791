package format

import (
	"bytes"
	"strings"

	"github.com/beevik/etree"
)

// indentUnit is one level of indentation.
const indentUnit = "    "

// xmlDecl is the one form the XML declaration takes:
// <?xml version="1.0" encoding="UTF-8"?>. Another declared encoding
// keeps its name (upper-cased): the parser hands its bytes through as
// they are and the printer writes them back, so the label must stay true.
func xmlDecl(pi *etree.ProcInst) string {
	enc := "UTF-8"
	if e := declaredEncoding(pi.Inst); e != "" && !strings.EqualFold(e, "utf-8") && !strings.EqualFold(e, "utf8") {
		enc = strings.ToUpper(e)
	}
	return `<?xml version="1.0" encoding="` + enc + `"?>`
}

// declaredEncoding is the encoding pseudo-attribute of a declaration.
func declaredEncoding(inst string) string {
	i := strings.Index(inst, "encoding")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(inst[i+len("encoding"):], " \t\r\n=")
	if rest == "" || rest[0] != '"' && rest[0] != '\'' {
		return ""
	}
	end := strings.IndexByte(rest[1:], rest[0])
	if end < 0 {
		return ""
	}
	return rest[1 : 1+end]
}

// printer writes a document in canonical form.
type printer struct {
	buf bytes.Buffer
}

// print returns the canonical text of doc.
func print(doc *etree.Document) []byte {
	p := &printer{}
	for i, t := range layoutChildren(doc.Child) {
		if i > 0 && blankLineBefore(t) {
			p.buf.WriteByte('\n')
		}
		if pi, ok := t.(*etree.ProcInst); ok && pi.Target == "xml" {
			p.buf.WriteString(xmlDecl(pi))
		} else {
			p.token(t, 0)
		}
		p.buf.WriteByte('\n')
	}
	return p.buf.Bytes()
}

// token writes one child of an element-only parent on its own line.
func (p *printer) token(t etree.Token, depth int) {
	p.buf.WriteString(strings.Repeat(indentUnit, depth))
	if el, ok := t.(*etree.Element); ok {
		p.element(el, depth)
		return
	}
	p.raw(t)
}

// element writes el: its content indented one level deeper, or as parsed
// when its whitespace may be significant.
func (p *printer) element(el *etree.Element, depth int) {
	p.startTag(el)
	if verbatim(el) {
		p.rawContent(el)
		return
	}
	kids := layoutChildren(el.Child)
	if len(kids) == 0 {
		p.buf.WriteString("/>")
		return
	}
	p.buf.WriteString(">\n")
	for i, t := range kids {
		if i > 0 && blankLineBefore(t) {
			p.buf.WriteByte('\n')
		}
		p.token(t, depth+1)
		p.buf.WriteByte('\n')
	}
	p.buf.WriteString(strings.Repeat(indentUnit, depth))
	p.endTag(el)
}

// layoutChildren drops the whitespace-only text between the children of an
// element-only parent: that whitespace is layout, which the printer redoes.
func layoutChildren(ts []etree.Token) []etree.Token {
	out := make([]etree.Token, 0, len(ts))
	for _, t := range ts {
		if cd, ok := t.(*etree.CharData); ok && !cd.IsCData() && cd.IsWhitespace() {
			continue
		}
		out = append(out, t)
	}
	return out
}

// blankLineBefore keeps one empty line where the source had at least one
// between two children, as gofmt keeps paragraphs.
func blankLineBefore(t etree.Token) bool {
	parent := t.Parent()
	i := t.Index()
	if parent == nil || i == 0 {
		return false
	}
	cd, ok := parent.Child[i-1].(*etree.CharData)
	return ok && !cd.IsCData() && strings.Count(cd.Data, "\n") >= 2
}

// rawContent writes el's children exactly as parsed and closes el.
func (p *printer) rawContent(el *etree.Element) {
	if len(el.Child) == 0 {
		p.buf.WriteString("/>")
		return
	}
	p.buf.WriteByte('>')
	for _, t := range el.Child {
		p.raw(t)
	}
	p.endTag(el)
}

// raw writes a token with no layout of its own.
func (p *printer) raw(t etree.Token) {
	switch t := t.(type) {
	case *etree.Element:
		p.startTag(t)
		p.rawContent(t)
	case *etree.CharData:
		if t.IsCData() {
			p.buf.WriteString("<![CDATA[" + t.Data + "]]>")
		} else {
			escapeText(&p.buf, t.Data)
		}
	case *etree.Comment:
		p.buf.WriteString("<!--" + t.Data + "-->")
	case *etree.ProcInst:
		p.buf.WriteString("<?" + t.Target)
		if t.Inst != "" {
			p.buf.WriteString(" " + t.Inst)
		}
		p.buf.WriteString("?>")
	case *etree.Directive:
		p.buf.WriteString("<!" + t.Data + ">")
	}
}

// startTag writes "<tag a="v"" with the attributes in source order.
func (p *printer) startTag(el *etree.Element) {
	p.buf.WriteString("<" + el.FullTag())
	for _, a := range el.Attr {
		p.buf.WriteString(" " + a.FullKey() + `="`)
		escapeAttr(&p.buf, a.Value)
		p.buf.WriteByte('"')
	}
}

func (p *printer) endTag(el *etree.Element) {
	p.buf.WriteString("</" + el.FullTag() + ">")
}

// escapeText escapes what text content must: & and <, > only where it
// would close "]]>", and CR (a literal one would be read back as LF).
func escapeText(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '&':
			b.WriteString("&amp;")
		case c == '<':
			b.WriteString("&lt;")
		case c == '>' && i >= 2 && s[i-2:i] == "]]":
			b.WriteString("&gt;")
		case c == '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteByte(c)
		}
	}
}

// escapeAttr escapes an attribute value for double quotes. Newlines and
// tabs are written as themselves, as they are in a multi-line expression
// in the source: Go's parser reads them back unchanged and a conforming
// one normalises them to spaces, exactly as it did the original.
func escapeAttr(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '"':
			b.WriteString("&quot;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteByte(c)
		}
	}
}
