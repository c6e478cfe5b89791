package mediation

import "bytes"

// The XML to JSON writer of the fast conversion (convert_fast.go): the
// payload element and its children, grouped by name, written as
// AppendJSONOrdered writes ElementToJSON's value.

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
