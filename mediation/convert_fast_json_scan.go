package mediation

import (
	"unicode/utf16"
	"unicode/utf8"
)

// The lexical pieces of the JSON to XML writer (convert_fast_json.go):
// white space, numbers, keys and strings decoded, text escaped as XML.

func (w *jsonXMLWriter) space() {
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

// number scans JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (w *jsonXMLWriter) number() bool {
	b, i := w.b, w.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	w.i = i
	return true
}

// key reads the member name at w.i and returns the element name
// jsonKeyToXML makes of it (in the body or in w.names).
func (w *jsonXMLWriter) key() ([]byte, bool) {
	b := w.b
	start := w.i + 1
	i := start
	for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20 {
		i++
	}
	if i >= len(b) {
		return nil, false
	}
	var k []byte
	mark := len(w.names)
	if b[i] == '"' {
		k = b[start:i]
		w.i = i + 1
	} else {
		// an escape: decode into w.names
		w.names = append(w.names, b[start:i]...)
		w.i = i
		if !w.decodeString(true) {
			return nil, false
		}
		k = w.names[mark:]
	}
	switch {
	case len(k) == 0:
		return []byte(jsonPrefixDigit), true
	case k[0] >= '0' && k[0] <= '9':
		n := len(w.names)
		w.names = append(append(w.names, jsonPrefixDigit...), k...)
		return w.names[n:], true
	case k[0] == '$':
		n := len(w.names)
		w.names = append(append(w.names, jsonPrefixDollar...), k[1:]...)
		return w.names[n:], true
	}
	return k, true
}

// stringText writes the string at w.i (its opening quote) decoded and
// escaped as html.EscapeString does.
func (w *jsonXMLWriter) stringText() bool {
	w.i++
	return w.decodeString(false)
}

// emit passes a decoded piece of a string to a key's name (toNames) or to
// the output as text.
func (w *jsonXMLWriter) emit(seg []byte, toNames bool) {
	if toNames {
		w.names = append(w.names, seg...)
	} else {
		w.appendEscapedText(seg)
	}
}

// decodeString decodes string content from w.i up to and past the closing
// quote, passing decoded segments to emit.
func (w *jsonXMLWriter) decodeString(toNames bool) bool {
	b := w.b
	start := w.i
	var rb [4]byte
	for i := start; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			w.emit(b[start:i], toNames)
			w.i = i + 1
			return true
		case c < 0x20:
			return false
		case c != '\\':
			i++
			continue
		}
		w.emit(b[start:i], toNames)
		if i+1 >= len(b) {
			return false
		}
		var one byte
		switch b[i+1] {
		case '"', '\\', '/':
			one = b[i+1]
		case 'b':
			one = '\b'
		case 'f':
			one = '\f'
		case 'n':
			one = '\n'
		case 'r':
			one = '\r'
		case 't':
			one = '\t'
		case 'u':
			r := hex4(b[i+2:]) // threat_json.go: -1 when not 4 hex digits
			if r < 0 {
				return false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if len(b)-i < 6 || b[i] != '\\' || b[i+1] != 'u' {
					return false // a lone surrogate: encoding/json writes U+FFFD
				}
				r2 := hex4(b[i+2:])
				if r2 < 0 {
					return false
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return false
				}
				i += 6
			}
			w.emit(utf8.AppendRune(rb[:0], r), toNames)
			start = i
			continue
		default:
			return false
		}
		rb[0] = one
		w.emit(rb[:1], toNames)
		i += 2
		start = i
	}
	return false
}

// appendEscapedText is html.EscapeString: & ' < > " as entities.
func (w *jsonXMLWriter) appendEscapedText(s []byte) {
	start := 0
	for i, c := range s {
		var esc string
		switch c {
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		default:
			continue
		}
		w.out = append(w.out, s[start:i]...)
		w.out = append(w.out, esc...)
		start = i + 1
	}
	w.out = append(w.out, s[start:]...)
}
