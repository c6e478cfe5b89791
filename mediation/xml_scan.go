package mediation

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// xmlIndex is a flat index of the elements of an XML body, built by one
// byte scan (scanXML) instead of an xmlquery tree: the XPath fast path
// (xpath_fast.go) answers simple child paths from it. The scanner is
// deliberately conservative: it accepts only a plain subset of XML that it
// can prove encoding/xml and xmlquery read without error and within the
// payload limits (ASCII names, the five named entities, namespace
// prefixes declared on the root element only, no default namespace, no
// DTD, no processing instruction but a UTF-8 declaration, no character
// reference). Anything else leaves ok false and every reader takes the
// full path (CheckXML, xmlquery, antchfx/xpath), which gives the exact
// answer or error.
type xmlIndex struct {
	ok    bool
	soap  bool // the root is a SOAP 1.1/1.2 Envelope (else it is wrapped)
	body  []byte
	elems []xmlElem
	ns    []xmlNSDecl // prefixes declared on the root element
}

// xmlElem is one element: its raw qualified name and, for a leaf, the raw
// content between its tags (text and CDATA sections only).
type xmlElem struct {
	parent     int32 // index in elems, -1 for the root
	depth      int32 // 0 for the root
	name       [2]int32
	colon      int32 // offset of ':' in the name, or -1
	content    [2]int32
	after      int32 // index of the first element past its subtree
	leaf       bool  // no child element, comment or processing instruction
	uri        int16
	crOrEntity bool // the content holds '\r' or '&' (decoded by readers)
}

type xmlNSDecl struct {
	prefix, uri string
}

// scanXML indexes body (TrimSpace'd, non-empty) into ix, reusing its
// storage. ix.ok reports whether the fast path may answer from it.
func scanXML(ix *xmlIndex, body []byte, l XMLLimits) {
	ix.ok, ix.soap, ix.body, ix.elems, ix.ns = false, false, body, ix.elems[:0], ix.ns[:0]
	if l.Depth <= 0 {
		l.Depth = DefaultLimits.MaxXMLDepth
	}
	if !plainText(body) {
		return
	}
	s := xmlScanner{ix: ix, b: body, l: l}
	ix.ok = s.run()
}

// plainText: valid UTF-8 with no control character but tab, LF, CR and
// none of U+FFFE/U+FFFF, which encoding/xml refuses. It reads eight bytes
// at a time: a word with no byte under 0x20 (the common case, even in
// pretty-printed XML most words have none) needs no byte loop.
func plainText(b []byte) bool {
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
	)
	var seen uint64 // OR of every word: a high bit set means non-ASCII
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		seen |= w
		if (w-0x20*ones)&^w&high != 0 && !plainControls(b[i:i+8]) { // some byte < 0x20 (exact test)
			return false
		}
	}
	for _, c := range b[i:] {
		seen |= uint64(c)
	}
	if !plainControls(b[i:]) {
		return false
	}
	if seen&high == 0 {
		return true
	}
	return utf8.Valid(b) && !bytes.Contains(b, []byte("\xef\xbf\xbe")) && !bytes.Contains(b, []byte("\xef\xbf\xbf"))
}

// plainControls: no byte of b is a control character but tab, LF and CR.
func plainControls(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

type xmlScanner struct {
	ix       *xmlIndex
	b        []byte
	i        int
	l        XMLLimits
	stack    [64]int32 // open elements (index in elems); deeper documents fall back
	children [64]int32
	top      int
	text     int
	// pendingAttrPrefix: prefixes of the root's attributes, checked once
	// all of the root's declarations are read
	pendingAttrPrefix []string
}

func (s *xmlScanner) run() bool {
	b := s.b
	if bytes.HasPrefix(b, []byte("<?")) && !s.declaration() {
		return false
	}
	rootDone := false
	for s.i < len(b) {
		c := b[s.i]
		if c != '<' {
			if s.top == 0 {
				if !isXMLSpace(c) {
					return false
				}
				s.i++
				continue
			}
			if !s.chardata() {
				return false
			}
			continue
		}
		if s.i+1 >= len(b) {
			return false
		}
		switch b[s.i+1] {
		case '/':
			if !s.endTag() {
				return false
			}
			if s.top == 0 {
				rootDone = true
			}
		case '!':
			if s.top == 0 || !s.bang() {
				return false
			}
		case '?':
			return false
		default:
			if rootDone || !s.startTag() {
				return false
			}
			if s.top == 0 {
				rootDone = true // an empty root <a/>
			}
		}
	}
	return rootDone && s.top == 0
}

// declaration accepts <?xml version="1.0" ...?> declaring UTF-8 or no
// encoding.
func (s *xmlScanner) declaration() bool {
	end := bytes.Index(s.b, []byte("?>"))
	if end < 0 || !bytes.HasPrefix(s.b, []byte("<?xml ")) {
		return false
	}
	d := s.b[6:end]
	if bytes.IndexByte(d, '<') >= 0 || !(bytes.Contains(d, []byte(`version="1.0"`)) || bytes.Contains(d, []byte(`version='1.0'`))) {
		return false
	}
	if bytes.Contains(d, []byte("encoding")) {
		low := bytes.ToLower(d)
		if !bytes.Contains(low, []byte(`encoding="utf-8"`)) && !bytes.Contains(low, []byte(`encoding='utf-8'`)) {
			return false
		}
	}
	s.i = end + 2
	return true
}

func (s *xmlScanner) startTag() bool {
	ix := s.ix
	s.i++
	nameStart := s.i
	end, colon, ok := s.name()
	if !ok {
		return false
	}
	s.i = end
	if s.top >= len(s.stack) || s.top >= s.l.Depth {
		return false
	}
	if over(len(ix.elems)+1, s.l.Elements) {
		return false
	}
	parent := int32(-1)
	if s.top > 0 {
		parent = s.stack[s.top-1]
		ix.elems[parent].leaf = false
		if s.children[s.top-1]++; over(int(s.children[s.top-1]), s.l.Children) {
			return false
		}
	}
	s.text = 0
	// The element is written in place: building it on the stack and
	// appending it cost a store-forwarding stall per element (fields
	// stored as words, read back as one block). Nothing else appends to
	// elems before it is done, and a refused tag fails the whole scan.
	idx := int32(len(ix.elems))
	ix.elems = append(ix.elems, xmlElem{})
	el := &ix.elems[idx]
	el.parent, el.depth, el.colon, el.leaf, el.uri = parent, int32(s.top), int32(colon), true, -1
	el.name[0], el.name[1] = int32(nameStart), int32(end) // not as an array literal: the same stall
	attrs := 0
	for {
		sp := s.i
		s.skipSpace()
		if s.i >= len(s.b) {
			return false
		}
		c := s.b[s.i]
		if c == '/' || c == '>' {
			break
		}
		if s.i == sp {
			return false // attributes are separated by space
		}
		aStart := s.i
		aEnd, aColon, ok := s.name()
		if !ok {
			return false
		}
		s.i = aEnd
		s.skipSpace()
		if s.i >= len(s.b) || s.b[s.i] != '=' {
			return false
		}
		s.i++
		s.skipSpace()
		if s.i >= len(s.b) || (s.b[s.i] != '"' && s.b[s.i] != '\'') {
			return false
		}
		q := s.b[s.i]
		vEnd := bytes.IndexByte(s.b[s.i+1:], q)
		if vEnd < 0 {
			return false
		}
		v := s.b[s.i+1 : s.i+1+vEnd]
		s.i += vEnd + 2
		if bytes.IndexByte(v, '<') >= 0 || bytes.IndexByte(v, '&') >= 0 && !knownEntities(v) {
			return false
		}
		if attrs++; over(attrs, s.l.Attributes) || over(len(v), s.l.AttributeLength) {
			return false
		}
		aname := s.b[aStart:aEnd]
		switch {
		case string(aname) == "xmlns":
			return false // a default namespace: the fast path does not track it
		case aColon >= 0 && string(s.b[aStart:aColon]) == "xmlns":
			if s.top != 0 || len(v) == 0 || bytes.IndexByte(v, '&') >= 0 {
				return false
			}
			p := internXMLName(s.b[aColon+1 : aEnd])
			if p == "xml" || p == "xmlns" {
				return false
			}
			for _, d := range ix.ns {
				if d.prefix == p || d.uri == string(v) {
					return false
				}
			}
			ix.ns = append(ix.ns, xmlNSDecl{p, internXMLName(v)})
		case aColon >= 0:
			if p := string(s.b[aStart:aColon]); p != "xml" && s.top == 0 {
				s.pendingAttrPrefix = append(s.pendingAttrPrefix, p)
			} else if p != "xml" && ix.lookup(p) < 0 {
				return false
			}
		}
	}
	for _, p := range s.pendingAttrPrefix {
		if ix.lookup(p) < 0 {
			return false
		}
	}
	s.pendingAttrPrefix = s.pendingAttrPrefix[:0]
	if colon >= 0 {
		u := ix.lookup(string(s.b[nameStart:colon]))
		if u < 0 {
			return false
		}
		el.uri = int16(u)
	}
	if s.top == 0 && string(s.b[el.localStart():end]) == "Envelope" && el.uri >= 0 {
		u := ix.ns[el.uri].uri
		ix.soap = u == SOAP11NS || u == SOAP12NS
	}
	if s.b[s.i] == '/' {
		if s.i+1 >= len(s.b) || s.b[s.i+1] != '>' {
			return false
		}
		s.i += 2
		el.content[0], el.content[1] = int32(s.i), int32(s.i)
		el.after = idx + 1
		return true
	}
	s.i++
	el.content[0] = int32(s.i)
	s.stack[s.top], s.children[s.top] = idx, 0
	s.top++
	return true
}

func (s *xmlScanner) endTag() bool {
	if s.top == 0 {
		return false
	}
	tagStart := s.i
	s.i += 2
	el := &s.ix.elems[s.stack[s.top-1]]
	qname := s.b[el.name[0]:el.name[1]]
	if !bytes.HasPrefix(s.b[s.i:], qname) { // the open element's name, or not well-formed
		return false
	}
	s.i += len(qname)
	s.skipSpace()
	if s.i >= len(s.b) || s.b[s.i] != '>' {
		return false
	}
	s.i++
	el.content[1] = int32(tagStart)
	el.after = int32(len(s.ix.elems))
	s.top--
	s.text = 0
	return true
}

// internXMLName is string(b) without a copy for the SOAP envelope's usual
// prefixes and namespaces, declared on the root of every SOAP message.
func internXMLName(b []byte) string {
	switch string(b) {
	case "soapenv":
		return "soapenv"
	case "soap":
		return "soap"
	case "s":
		return "s"
	case "SOAP-ENV":
		return "SOAP-ENV"
	case "env":
		return "env"
	case SOAP11NS:
		return SOAP11NS
	case SOAP12NS:
		return SOAP12NS
	}
	return string(b)
}

func (e *xmlElem) localStart() int32 {
	if e.colon >= 0 {
		return e.colon + 1
	}
	return e.name[0]
}

// lookup is the index of prefix's declaration on the root, or -1.
func (ix *xmlIndex) lookup(prefix string) int {
	for i, d := range ix.ns {
		if d.prefix == prefix {
			return i
		}
	}
	return -1
}
