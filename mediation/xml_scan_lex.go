package mediation

import "bytes"

// The lexical pieces of the scan (xml_scan.go): white space, names,
// character data, entity references, and comments/CDATA/declarations.

// isXMLSpace is XML's S production.
func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func xmlNameByte(c byte, first bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		return true
	case c >= '0' && c <= '9', c == '-', c == '.':
		return !first
	}
	return false
}

// name scans an ASCII QName (one optional ':' between two NCNames) at s.i
// and returns its end and the colon offset (-1).
func (s *xmlScanner) name() (end, colon int, ok bool) {
	b, i := s.b, s.i
	colon = -1
	start := i
	for i < len(b) {
		c := b[i]
		if c == ':' {
			if colon >= 0 || i == start || i+1 >= len(b) || !xmlNameByte(b[i+1], true) {
				return 0, 0, false
			}
			colon = i
			i++
			continue
		}
		if !xmlNameByte(c, i == start || i == colon+1 && colon >= 0) {
			break
		}
		i++
	}
	if i == start || i < len(b) && b[i] >= 0x80 {
		return 0, 0, false
	}
	return i, colon, true
}

func (s *xmlScanner) skipSpace() {
	for s.i < len(s.b) && isXMLSpace(s.b[s.i]) {
		s.i++
	}
}

// chardata scans text up to the next '<', checking its entities.
func (s *xmlScanner) chardata() bool {
	b := s.b
	start := s.i
	end := bytes.IndexByte(b[start:], '<')
	if end < 0 {
		return false
	}
	end += start
	t := b[start:end]
	if bytes.Contains(t, []byte("]]>")) {
		return false
	}
	if bytes.IndexByte(t, '&') >= 0 && !knownEntities(t) {
		return false
	}
	if bytes.IndexByte(t, '&') >= 0 || bytes.IndexByte(t, '\r') >= 0 {
		s.ix.elems[s.stack[s.top-1]].crOrEntity = true
	}
	s.text += len(t)
	if over(s.text, s.l.TextLength) {
		return false
	}
	s.i = end
	return true
}

var namedEntities = [][]byte{[]byte("lt;"), []byte("gt;"), []byte("amp;"), []byte("quot;"), []byte("apos;")}

// knownEntities: every '&' in t starts one of the five named entities.
func knownEntities(t []byte) bool {
	for {
		j := bytes.IndexByte(t, '&')
		if j < 0 {
			return true
		}
		t = t[j+1:]
		found := false
		for _, e := range namedEntities {
			if bytes.HasPrefix(t, e) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
}

// bang scans a comment or a CDATA section inside the root element.
func (s *xmlScanner) bang() bool {
	b := s.b[s.i:]
	switch {
	case bytes.HasPrefix(b, []byte("<![CDATA[")):
		end := bytes.Index(b, []byte("]]>"))
		if end < 0 {
			return false
		}
		el := &s.ix.elems[s.stack[s.top-1]]
		if bytes.IndexByte(b[:end], '\r') >= 0 {
			el.crOrEntity = true
		}
		s.text += end - 9
		if over(s.text, s.l.TextLength) {
			return false
		}
		s.i += end + 3
		return true
	case bytes.HasPrefix(b, []byte("<!--")):
		end := bytes.Index(b[4:], []byte("--"))
		if end < 0 || !bytes.HasPrefix(b[4+end:], []byte("-->")) {
			return false
		}
		s.ix.elems[s.stack[s.top-1]].leaf = false
		s.text = 0
		s.i += 4 + end + 3
		return true
	}
	return false // a DTD or other declaration: the full path says what is wrong
}
