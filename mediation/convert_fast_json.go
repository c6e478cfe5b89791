package mediation

import "unicode/utf8"

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
