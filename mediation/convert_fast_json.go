package mediation

import (
	"unicode/utf16"
	"unicode/utf8"
)

// appendJSONAsXML writes body (JSON, trimmed, non-empty, past
// CheckPayload) as convertPayload writes JSONToElement's element in format
// to (xml and text: the element; SOAP: Axis2's envelope around it), in one
// pass over the text without a token or a node. It accepts exactly the
// grammar encoding/json does and gives up (false) on what it would have to
// repair: invalid UTF-8 or a lone surrogate (encoding/json writes U+FFFD),
// nesting deeper than maxFastJSONDepth. An error is the full path's to
// report.
func appendJSONAsXML(dst, body []byte, to PayloadFormat) ([]byte, bool) {
	if !utf8.Valid(body) {
		return dst, false
	}
	switch to {
	case FormatSOAP11:
		dst = append(dst, `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="`+SOAP11NS+`"><soapenv:Body>`...)
	case FormatSOAP12:
		dst = append(dst, `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="`+SOAP12NS+`"><soapenv:Body>`...)
	}
	w := jsonXMLWriter{b: body, out: dst}
	var ok bool
	switch body[0] {
	case '{':
		w.out = append(w.out, "<jsonObject>"...)
		w.i = 1
		ok = w.object()
		w.out = append(w.out, "</jsonObject>"...)
	case '[':
		w.out = append(w.out, "<jsonArray>"...)
		w.i = 1
		ok = w.array([]byte("jsonElement"))
		w.out = append(w.out, "</jsonArray>"...)
	default:
		w.out = append(w.out, "<jsonValue>"...)
		ok = w.scalar()
		w.out = append(w.out, "</jsonValue>"...)
	}
	if !ok || w.i != len(body) {
		return w.out, false
	}
	if to == FormatSOAP11 || to == FormatSOAP12 {
		w.out = append(w.out, "</soapenv:Body></soapenv:Envelope>"...)
	}
	return w.out, true
}

// maxFastJSONDepth bounds the writer's recursion; CheckJSON's depth limit
// is normally far below it.
const maxFastJSONDepth = 512

type jsonXMLWriter struct {
	b     []byte
	i     int
	out   []byte
	names []byte // element names decoded from escaped keys, stacked
	depth int
}

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

// object writes the members after '{' up to and past '}'.
func (w *jsonXMLWriter) object() bool {
	if w.depth++; w.depth > maxFastJSONDepth {
		return false
	}
	defer func() { w.depth-- }()
	w.space()
	if w.i < len(w.b) && w.b[w.i] == '}' {
		w.i++
		return true
	}
	for {
		if w.i >= len(w.b) || w.b[w.i] != '"' {
			return false
		}
		mark := len(w.names)
		name, ok := w.key()
		if !ok {
			return false
		}
		w.space()
		if w.i >= len(w.b) || w.b[w.i] != ':' {
			return false
		}
		w.i++
		w.space()
		if !w.member(name) {
			return false
		}
		w.names = w.names[:mark]
		if more, ok := w.next('}'); !more {
			return ok
		}
	}
}

// next reads what follows a member or an item: ',' (more follow: more
// and ok) or end, the object's or array's closing byte (ok only).
func (w *jsonXMLWriter) next(end byte) (more, ok bool) {
	w.space()
	if w.i >= len(w.b) {
		return false, false
	}
	switch w.b[w.i] {
	case ',':
		w.i++
		w.space()
		return true, true
	case end:
		w.i++
		return false, true
	}
	return false, false
}

// array writes the items after '[' up to and past ']' as <name> elements;
// an array in an array adds its items to the same list, as readJSONValue
// does.
func (w *jsonXMLWriter) array(name []byte) bool {
	if w.depth++; w.depth > maxFastJSONDepth {
		return false
	}
	defer func() { w.depth-- }()
	w.space()
	if w.i < len(w.b) && w.b[w.i] == ']' {
		w.i++
		return true
	}
	for {
		if !w.member(name) {
			return false
		}
		if more, ok := w.next(']'); !more {
			return ok
		}
	}
}

// member writes the value at w.i as <name> element(s).
func (w *jsonXMLWriter) member(name []byte) bool {
	if w.i >= len(w.b) {
		return false
	}
	switch w.b[w.i] {
	case '[':
		w.i++
		return w.array(name)
	case '{':
		w.i++
		w.openTag(name)
		if !w.object() {
			return false
		}
	default:
		w.openTag(name)
		if !w.scalar() {
			return false
		}
	}
	w.out = append(w.out, "</"...)
	w.out = append(w.out, name...)
	w.out = append(w.out, '>')
	return true
}

func (w *jsonXMLWriter) openTag(name []byte) {
	w.out = append(w.out, '<')
	w.out = append(w.out, name...)
	w.out = append(w.out, '>')
}

// scalar writes a string, number or literal at w.i as element text
// (html.EscapeString'd as xmlquery's OutputXML writes text); null writes
// nothing.
func (w *jsonXMLWriter) scalar() bool {
	b := w.b
	if w.i >= len(b) {
		return false
	}
	switch c := b[w.i]; {
	case c == '"':
		return w.stringText()
	case c == '-' || c >= '0' && c <= '9':
		start := w.i
		if !w.number() {
			return false
		}
		w.out = append(w.out, b[start:w.i]...)
		return true
	case c == 't':
		return w.literal("true", true)
	case c == 'f':
		return w.literal("false", true)
	case c == 'n':
		return w.literal("null", false)
	}
	return false
}

func (w *jsonXMLWriter) literal(lit string, write bool) bool {
	if len(w.b)-w.i < len(lit) || string(w.b[w.i:w.i+len(lit)]) != lit {
		return false
	}
	w.i += len(lit)
	if write {
		w.out = append(w.out, lit...)
	}
	return true
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
			r, ok := hex4Rune(b[i+2:])
			if !ok {
				return false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if len(b)-i < 6 || b[i] != '\\' || b[i+1] != 'u' {
					return false // a lone surrogate: encoding/json writes U+FFFD
				}
				r2, ok := hex4Rune(b[i+2:])
				if !ok {
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

func hex4Rune(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
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
