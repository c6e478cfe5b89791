package mediation

import (
	"bytes"
	"sync"
	"unsafe"

	"github.com/seqgate/seqgate/mediation/jsontext"
)

// The fast conversions write a payload in the other format straight from
// the body's bytes, for the commonest messageType change: XML (or a SOAP
// envelope) to JSON from the byte index of the body (xml_scan.go), and JSON
// to XML (plain, SOAP 1.1/1.2, text) from one pass over the JSON text
// (convert_fast_json.go). The full path (convertPayload) builds an xmlquery
// tree, a map[string]any and a second tree to write: ~1,000 allocations for
// 1 KiB. Like the XPath fast path, these only answer when the answer is
// certain to be the full path's, byte for byte: a body the scan cannot
// prove plain, a payload already parsed into a tree (which a mediator may
// have edited in place), an attribute name given twice, a carriage return
// (encoding/xml's line-end normalisation), a JSON string with invalid UTF-8
// or a lone surrogate: each goes the full way, which also gives the exact
// error for a bad body. TestConvertFastMatchesFull runs both on the same
// inputs.

// convScratch is the per-conversion working storage, pooled: the child
// links of the index, decoded text, the output.
type convScratch struct {
	first, next, last, nextSame []int32
	text                        []byte
	attrs                       [][]byte // the JSON-visible attribute names of one element
	out                         []byte
}

var convPool = sync.Pool{New: func() any { return new(convScratch) }}

// maxPooledConv: larger buffers are dropped rather than kept in the pool.
const maxPooledConv = 1 << 20

// convertFast converts the payload from format from to format to, sets
// the body and reports true; false means take the full path (nothing was
// changed).
func (mc *MessageContext) convertFast(from, to PayloadFormat) bool {
	if mc.xmlParsed {
		return false // the tree is the payload now (it may have been edited in place)
	}
	xmlFrom := from == FormatXML || from == FormatSOAP11 || from == FormatSOAP12
	var ix *xmlIndex
	switch {
	case to == FormatJSON && xmlFrom:
		if mc.jsonParsed {
			return false // the full path writes that value (it may have been edited in place)
		}
		if ix = mc.fastXML(); ix == nil {
			return false
		}
	case from == FormatJSON && (to == FormatXML || to == FormatSOAP11 || to == FormatSOAP12 || to == FormatText):
		if mc.CheckPayload() != nil {
			return false // the full path returns the error
		}
	default:
		return false
	}
	s := convPool.Get().(*convScratch)
	defer func() {
		if cap(s.out) <= maxPooledConv && cap(s.text) <= maxPooledConv {
			clear(s.attrs[:cap(s.attrs)]) // they point into the body
			convPool.Put(s)
		}
	}()
	var ok bool
	if ix != nil {
		s.out, ok = s.xmlToJSON(s.out[:0], ix)
	} else {
		s.out, ok = appendJSONAsXML(s.out[:0], bytes.TrimSpace(mc.Body()), to)
	}
	if !ok {
		return false
	}
	mc.SetBody(s.out) // copies
	return true
}

// xmlToJSON is ElementToJSON of the payload element written by
// AppendJSONOrdered with ElementOrder (convertPayload's JSON branch).
func (s *convScratch) xmlToJSON(dst []byte, ix *xmlIndex) ([]byte, bool) {
	for _, d := range ix.ns {
		if d.uri == "xmlns" {
			return dst, false // xmlquery maps the "xmlns" space to that prefix: a declaration reads as an attribute
		}
	}
	s.link(ix)
	root := int32(0)
	if ix.soap { // the first element of the envelope's Body, as payloadElement
		env := &ix.elems[0]
		root = -1
		for c := s.first[0]; c >= 0; c = s.next[c] {
			e := &ix.elems[c]
			if string(ix.body[e.localStart():e.name[1]]) == "Body" && e.uri >= 0 && env.uri >= 0 && ix.ns[e.uri].uri == ix.ns[env.uri].uri {
				root = s.first[c]
				break
			}
		}
		if root < 0 {
			return append(dst, "null"...), true
		}
	}
	e := &ix.elems[root]
	switch string(ix.body[e.localStart():e.name[1]]) {
	case "jsonObject":
		return s.value(dst, ix, root, true)
	case "jsonValue":
		return s.value(dst, ix, root, false)
	case "jsonArray":
		dst = append(dst, '[')
		for c := s.first[root]; c >= 0; c = s.next[c] {
			if c != s.first[root] {
				dst = append(dst, ',')
			}
			var ok bool
			if dst, ok = s.value(dst, ix, c, false); !ok {
				return dst, false
			}
		}
		return append(dst, ']'), true
	}
	dst = append(dst, '{')
	dst = appendXMLKey(dst, ix, e)
	dst = append(dst, ':')
	dst, ok := s.value(dst, ix, root, false)
	return append(dst, '}'), ok
}

// link builds the first-child and next-sibling links of the index (its
// elements are in document order, each after its parent).
func (s *convScratch) link(ix *xmlIndex) {
	n := len(ix.elems)
	s.first, s.next, s.last, s.nextSame = fillLinks(s.first, n), fillLinks(s.next, n), fillLinks(s.last, n), fillLinks(s.nextSame, n)
	for i := range ix.elems {
		p := ix.elems[i].parent
		if p < 0 {
			continue
		}
		if s.first[p] < 0 {
			s.first[p] = int32(i)
		} else {
			s.next[s.last[p]] = int32(i)
		}
		s.last[p] = int32(i)
	}
}

func fillLinks(a []int32, n int) []int32 {
	if cap(a) < n {
		a = make([]int32, n)
	}
	a = a[:n]
	for i := range a {
		a[i] = -1
	}
	return a
}

// value is elementValue(el) written as JSON: attributes "@name" first,
// then the child elements grouped by name in order of first appearance (a
// name repeated is an array), or for an element without children its
// trimmed text ("$" beside attributes), a primitive where it reads as one,
// null when empty. object: <jsonObject>, always an object ({} if empty).
func (s *convScratch) value(dst []byte, ix *xmlIndex, i int32, object bool) ([]byte, bool) {
	e := &ix.elems[i]
	mark := len(dst)
	dst = append(dst, '{')
	dst, nattr, ok := s.appendAttrs(dst, ix, e)
	if !ok {
		return dst, false
	}
	if s.first[i] < 0 {
		text, ok := s.elemText(ix, e)
		if !ok {
			return dst, false
		}
		switch {
		case nattr > 0 && len(text) > 0:
			dst = append(dst, `,"$":`...)
			dst = appendPrimitive(dst, text)
		case nattr > 0 || object:
		case len(text) == 0:
			return append(dst[:mark], "null"...), true
		default:
			return appendPrimitive(dst[:mark], text), true
		}
		return append(dst, '}'), true
	}
	// group the children by key: heads in order of first appearance, the
	// rest of each group chained through nextSame
	var hb [16]int32
	heads, tails := hb[:0], [16]int32{}
	var more map[string]int32 // past 16 names: head index by key
	var moreTails []int32
	for c := s.first[i]; c >= 0; c = s.next[c] {
		s.nextSame[c] = -1
		d, k := xmlKeyOf(ix, &ix.elems[c])
		found := -1
		if more != nil {
			if h, ok := more[keyString(d, k)]; ok {
				found = int(h)
			}
		} else {
			for h, hc := range heads {
				if hd, hk := xmlKeyOf(ix, &ix.elems[hc]); hd == d && bytes.Equal(hk, k) {
					found = h
					break
				}
			}
		}
		if found >= 0 {
			if found < len(tails) {
				s.nextSame[tails[found]] = c
				tails[found] = c
			} else {
				s.nextSame[moreTails[found-len(tails)]] = c
				moreTails[found-len(tails)] = c
			}
			continue
		}
		if len(heads) == len(hb) && more == nil {
			more = make(map[string]int32, 2*len(hb))
			for h, hc := range heads {
				hd, hk := xmlKeyOf(ix, &ix.elems[hc])
				more[keyString(hd, hk)] = int32(h)
			}
		}
		if more != nil {
			more[keyString(d, k)] = int32(len(heads))
		}
		if len(heads) < len(tails) {
			tails[len(heads)] = c
		} else {
			moreTails = append(moreTails, c)
		}
		heads = append(heads, c)
	}
	for n, h := range heads {
		if n > 0 || nattr > 0 {
			dst = append(dst, ',')
		}
		dst = appendXMLKey(dst, ix, &ix.elems[h])
		dst = append(dst, ':')
		if s.nextSame[h] < 0 {
			if dst, ok = s.value(dst, ix, h, false); !ok {
				return dst, false
			}
			continue
		}
		dst = append(dst, '[')
		for c := h; c >= 0; c = s.nextSame[c] {
			if c != h {
				dst = append(dst, ',')
			}
			if dst, ok = s.value(dst, ix, c, false); !ok {
				return dst, false
			}
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), true
}

// xmlKeyOf is xmlNameToJSONKey of e's local name: dollar and the rest.
func xmlKeyOf(ix *xmlIndex, e *xmlElem) (dollar bool, rest []byte) {
	local := ix.body[e.localStart():e.name[1]]
	switch {
	case bytes.HasPrefix(local, []byte(jsonPrefixDigit)):
		return false, local[len(jsonPrefixDigit):]
	case bytes.HasPrefix(local, []byte(jsonPrefixDollar)):
		return true, local[len(jsonPrefixDollar):]
	}
	return false, local
}

func keyString(dollar bool, rest []byte) string {
	if dollar {
		return "$" + string(rest)
	}
	return string(rest)
}

// appendXMLKey writes e's JSON key, quoted: names are ASCII XML names
// (the scan takes no other), so nothing needs escaping.
func appendXMLKey(dst []byte, ix *xmlIndex, e *xmlElem) []byte {
	d, k := xmlKeyOf(ix, e)
	dst = append(dst, '"')
	if d {
		dst = append(dst, '$')
	}
	dst = append(dst, k...)
	return append(dst, '"')
}

// appendAttrs writes e's attributes but namespace declarations as
// "@local":value members, each preceded by a comma but the first; false
// for an attribute local name given twice (the map keeps one of them) or
// a carriage return in a value (normalised by encoding/xml).
func (s *convScratch) appendAttrs(dst []byte, ix *xmlIndex, e *xmlElem) ([]byte, int, bool) {
	b := ix.body
	i := int(e.name[1])
	s.attrs = s.attrs[:0]
	for {
		for isXMLSpace(b[i]) {
			i++
		}
		if b[i] == '>' || b[i] == '/' {
			break
		}
		start, colon := i, -1
		for b[i] != '=' && !isXMLSpace(b[i]) {
			if b[i] == ':' {
				colon = i
			}
			i++
		}
		name := b[start:i]
		for b[i] != '=' {
			i++
		}
		i++
		for isXMLSpace(b[i]) {
			i++
		}
		q := b[i]
		vEnd := i + 1 + bytes.IndexByte(b[i+1:], q)
		val := b[i+1 : vEnd]
		i = vEnd + 1
		local := name
		if colon >= 0 {
			local = b[colon+1 : start+len(name)]
			if string(b[start:colon]) == "xmlns" {
				continue
			}
		}
		if string(local) == "xmlns" {
			continue
		}
		if bytes.IndexByte(val, '\r') >= 0 {
			return dst, 0, false
		}
		for _, a := range s.attrs {
			if bytes.Equal(a, local) {
				return dst, 0, false
			}
		}
		if len(s.attrs) > 0 {
			dst = append(dst, ',')
		}
		s.attrs = append(s.attrs, local)
		dst = append(dst, `"@`...)
		dst = append(dst, local...)
		dst = append(dst, `":`...)
		if bytes.IndexByte(val, '&') >= 0 {
			s.text = appendUnescaped(s.text[:0], val)
			val = s.text
		}
		dst = appendPrimitive(dst, val)
	}
	return dst, len(s.attrs), true
}

// elemText is the trimmed text of an element without child elements: its
// text and CDATA sections, entities decoded, comments left out (as
// xmlquery's InnerText); false for a carriage return.
func (s *convScratch) elemText(ix *xmlIndex, e *xmlElem) ([]byte, bool) {
	c := ix.body[e.content[0]:e.content[1]]
	if !e.crOrEntity && bytes.IndexByte(c, '<') < 0 {
		return bytes.TrimSpace(c), true
	}
	if bytes.IndexByte(c, '\r') >= 0 {
		return nil, false
	}
	out := s.text[:0]
	for len(c) > 0 {
		switch {
		case bytes.HasPrefix(c, []byte("<![CDATA[")):
			end := bytes.Index(c, []byte("]]>"))
			out = append(out, c[9:end]...)
			c = c[end+3:]
			continue
		case bytes.HasPrefix(c, []byte("<!--")):
			c = c[4+bytes.Index(c[4:], []byte("-->"))+3:]
			continue
		}
		j := bytes.IndexByte(c, '<')
		if j == 0 {
			return nil, false // not text (the scan keeps none such in a leaf)
		}
		if j < 0 {
			j = len(c)
		}
		out = appendUnescaped(out, c[:j])
		c = c[j:]
	}
	s.text = out
	return bytes.TrimSpace(out), true
}

// appendPrimitive writes text as autoPrimitive reads it and
// AppendJSONOrdered writes that: true/false, numbers as numbers (an
// integer or short decimal in its canonical form as is, any other
// number-like text through autoPrimitive itself), else a JSON string.
func appendPrimitive(dst, t []byte) []byte {
	switch string(t) {
	case "true", "false":
		return append(dst, t...)
	}
	for _, c := range t {
		if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || c == '_') {
			// not a decimal number: ParseInt fails, and ParseFloat reads
			// only hex (with an x), inf and nan (with an n), which
			// autoPrimitive keeps as strings
			return appendJSONBytes(dst, t)
		}
	}
	if canonicalNumber(t) {
		return append(dst, t...)
	}
	return AppendJSONOrdered(dst, autoPrimitive(string(t)), nil)
}

// canonicalNumber: t is written back unchanged by autoPrimitive and
// AppendJSONOrdered: an integer of up to 18 digits without leading zeros
// (not -0), or a decimal with no trailing zero, at most 15 significant
// digits (so the shortest form of its float64 is itself) and at least
// 1e-6 (so it is written without an exponent).
func canonicalNumber(t []byte) bool {
	i := 0
	if len(t) > 0 && t[0] == '-' {
		i = 1
	}
	intStart := i
	switch {
	case i >= len(t):
		return false
	case t[i] == '0':
		i++
	case t[i] >= '1' && t[i] <= '9':
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
	default:
		return false
	}
	intDigits := i - intStart
	if i == len(t) {
		return intDigits <= 18 && !(intStart == 1 && t[1] == '0')
	}
	if t[i] != '.' {
		return false
	}
	i++
	fracStart := i
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i != len(t) || i == fracStart || t[i-1] == '0' {
		return false
	}
	frac := t[fracStart:]
	if t[intStart] != '0' {
		return intDigits+len(frac) <= 15
	}
	lz := 0
	for lz < len(frac) && frac[lz] == '0' {
		lz++
	}
	return lz <= 5 && len(frac)-lz <= 15
}

// appendJSONBytes writes t as a JSON string (jsontext's escaping, as
// AppendJSONOrdered writes strings) without copying it to a string.
func appendJSONBytes(dst, t []byte) []byte {
	return jsontext.AppendString(dst, unsafe.String(unsafe.SliceData(t), len(t)))
}
