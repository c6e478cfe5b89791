package mediation

import "bytes"

// The lexical pieces of the scan (xml_scan.go): white space, names,
// character data, entity references, and comments/CDATA/declarations.

// isXMLSpace is XML's S production.
func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// xmlNameTab classifies the bytes of the ASCII names the scan accepts:
// nameStart may begin a name (or the part after the colon), nameChar may
// continue one.
var xmlNameTab = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
			t[c] = nameStart | nameChar
		case c >= '0' && c <= '9', c == '-', c == '.':
			t[c] = nameChar
		}
	}
	return t
}()

const (
	nameStart = 1 << iota
	nameChar
)

// name scans an ASCII QName (one optional ':' between two NCNames) at s.i
// and returns its end and the colon offset (-1).
func (s *xmlScanner) name() (end, colon int, ok bool) {
	b, i := s.b, s.i
	colon = -1
	if i >= len(b) || xmlNameTab[b[i]]&nameStart == 0 {
		return 0, 0, false
	}
	for i++; i < len(b); {
		c := b[i]
		if xmlNameTab[c]&nameChar != 0 {
			i++
			continue
		}
		if c != ':' {
			break
		}
		if colon >= 0 || i+1 >= len(b) || xmlNameTab[b[i+1]]&nameStart == 0 {
			return 0, 0, false
		}
		colon = i
		i += 2 // past the colon and the local name's first byte
	}
	if i < len(b) && b[i] >= 0x80 {
		return 0, 0, false
	}
	return i, colon, true
}

func (s *xmlScanner) skipSpace() {
	for s.i < len(s.b) && isXMLSpace(s.b[s.i]) {
		s.i++
	}
}

// charTab marks the bytes of character data that need a closer look.
var charTab = [256]uint8{'<': charLT, '&': charAmp, ']': charBracket, '\r': charCR}

const (
	charLT = 1 << iota
	charAmp
	charBracket
	charCR
)

// chardata scans text up to the next '<', checking its entities. Short
// text (most element content) is read in one pass that also notes any
// '&', ']' or CR; longer text is searched with IndexByte.
func (s *xmlScanner) chardata() bool {
	b := s.b
	start := s.i
	end, seen := -1, uint8(0)
	for j, lim := start, min(len(b), start+32); j < lim; j++ {
		f := charTab[b[j]]
		if f == charLT {
			end = j
			break
		}
		seen |= f
	}
	if end < 0 {
		if end = bytes.IndexByte(b[start:], '<'); end < 0 {
			return false
		}
		end += start
		seen = charAmp | charBracket | charCR // look at all of it
	}
	t := b[start:end]
	if seen&charBracket != 0 && bytes.Contains(t, []byte("]]>")) {
		return false
	}
	if seen&(charAmp|charCR) != 0 {
		amp := bytes.IndexByte(t, '&') >= 0
		if amp && !knownEntities(t) {
			return false
		}
		if amp || bytes.IndexByte(t, '\r') >= 0 {
			s.ix.elems[s.stack[s.top-1]].crOrEntity = true
		}
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
