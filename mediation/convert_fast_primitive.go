package mediation

import (
	"bytes"
	"unsafe"

	"github.com/seqgate/seqgate/mediation/jsontext"
)

// The leaves of the XML to JSON writer (convert_fast_xmljson.go):
// attribute values and element text read from the body, and written as
// the JSON primitives autoPrimitive makes of them.

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
