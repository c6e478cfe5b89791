package mediation

import (
	"bytes"

	"github.com/seqgate/seqgate/mediation/xpath"
)

// xpathFast answers the commonest Synapse XPaths, plain child paths such as
// $body/order/id, /soapenv:Envelope/soapenv:Body/order/id or //order/id
// (xpath.ChildPath), from the byte index of the body (xml_scan.go) instead
// of an xmlquery tree: one scan, no tree, no allocation per node. It only
// answers when the answer is certain to be the full evaluator's: the body
// scanned as plain XML, no tree built yet (a tree may have been edited in
// place by enrich), and for a string, no match or a single element whose
// own text is not empty (anything that needs serialising goes the full
// way). The table test in xpath_fast_test.go runs both on the same inputs.
// The MessageContext offers it to package xpath as an xpath.PathEnv.
type xpathFast xpath.ChildPath

// ChildPathString implements xpath.PathEnv: stringValueOf of p from the
// body's index; ok false means evaluate in full.
func (mc *MessageContext) ChildPathString(p *xpath.ChildPath) (string, bool) {
	return (*xpathFast)(p).fastString(mc)
}

// ChildPathBool implements xpath.PathEnv: boolean() of p from the body's
// index; ok false means evaluate in full.
func (mc *MessageContext) ChildPathBool(p *xpath.ChildPath) (bool, bool) {
	return (*xpathFast)(p).fastBool(mc)
}

// fastXML is the body's index when the fast path may read it, else nil.
func (mc *MessageContext) fastXML() *xmlIndex {
	if mc.xmlParsed {
		return nil // the tree is the payload now (it may have been edited in place)
	}
	if mc.LoadBody() != nil {
		return nil
	}
	body := bytes.TrimSpace(mc.Body())
	if len(body) == 0 {
		return nil
	}
	ix := &mc.xmlIdx
	if mc.xmlScanned && len(ix.body) == len(body) && &ix.body[0] == &body[0] {
		if ix.ok {
			return ix
		}
		return nil
	}
	mc.xmlScanned, ix.ok = true, false
	switch mc.BodyFormat() {
	case FormatXML, FormatSOAP11, FormatSOAP12:
	default:
		ix.body = body
		return nil
	}
	scanXML(ix, body, mc.xmlLimits())
	if !ix.ok {
		return nil
	}
	if !mc.payloadChecked { // the scan proved what CheckXML checks
		mc.payloadChecked, mc.payloadErr = true, nil
	}
	return ix
}

// virtual element of the envelope view: the synthetic soapenv elements a
// plain XML body is wrapped in, or a real element.
type fastName struct {
	local, prefix []byte
	uri           string
}

func (f *xpathFast) stepMatches(st *xpath.Step, n fastName) bool {
	switch {
	case st.Local != string(n.local):
		return false
	case st.AnyNS:
		return true
	case st.Prefixed:
		return st.URI == n.uri
	}
	return len(n.prefix) == 0 // antchfx: an unprefixed name test matches by prefix
}

func (ix *xmlIndex) name(e *xmlElem) fastName {
	n := fastName{local: ix.body[e.localStart():e.name[1]]}
	if e.colon >= 0 {
		n.prefix = ix.body[e.name[0]:e.colon]
		n.uri = ix.ns[e.uri].uri
	}
	return n
}

var (
	synEnvelope = fastName{[]byte("Envelope"), []byte("soapenv"), SOAP11NS}
	synHeader   = fastName{[]byte("Header"), []byte("soapenv"), SOAP11NS}
	synBody     = fastName{[]byte("Body"), []byte("soapenv"), SOAP11NS}
)

// synChains are the synthetic elements of a wrapped body's envelope view,
// each as its chain of names from the top.
var synChains = [][]fastName{{synEnvelope}, {synEnvelope, synHeader}, {synEnvelope, synBody}}

// matches reports whether the chain of names (outermost first) is selected.
func (f *xpathFast) matches(chain []fastName) bool {
	if len(chain) < len(f.Steps) || f.Anchored && len(chain) != len(f.Steps) {
		return false
	}
	off := len(chain) - len(f.Steps)
	for i := range f.Steps {
		if !f.stepMatches(&f.Steps[i], chain[off+i]) {
			return false
		}
	}
	return true
}

// each calls fn on every selected element in document order until fn
// returns false; ok false when fn did or a synthetic element is selected
// (then the answer needs the tree).
func (f *xpathFast) each(ix *xmlIndex, fn func(*xmlElem) bool) bool {
	if !ix.soap && len(f.Steps) <= 2 { // longer paths cannot select a synthetic element
		for _, syn := range synChains {
			if f.matches(syn) {
				return false
			}
		}
	}
	wrap := 0 // the synthetic Envelope and Body above a plain body's root
	if !ix.soap {
		wrap = 2
	}
	for i := 0; i < len(ix.elems); {
		e := &ix.elems[i]
		depth := int(e.depth) + wrap
		if f.Anchored {
			// An anchored path names every ancestor: a subtree whose root
			// fails its step, or that lies below the last step, holds no
			// match, and is skipped whole (the order's line items, when
			// the path reads its id).
			switch {
			case depth+1 < len(f.Steps):
				if !f.stepMatches(&f.Steps[depth], ix.name(e)) {
					i = int(e.after)
				} else {
					i++
				}
				continue
			case depth+1 > len(f.Steps):
				i = int(e.after)
				continue
			}
			i = int(e.after) // e is checked below; its subtree is too deep
		} else {
			i++
			if depth+1 < len(f.Steps) {
				continue
			}
		}
		// compare from the element outwards, as many names as there are
		// steps; past a wrapped body's root come the wrapper's Body and
		// Envelope
		match, cur, syn := true, e, 0
		for s := len(f.Steps) - 1; s >= 0 && match; s-- {
			var n fastName
			switch {
			case cur != nil:
				n = ix.name(cur)
				if cur.parent >= 0 {
					cur = &ix.elems[cur.parent]
				} else {
					cur = nil
				}
			case !ix.soap && syn < 2:
				n = [2]fastName{synBody, synEnvelope}[syn]
				syn++
			default:
				match = false
				continue
			}
			match = f.stepMatches(&f.Steps[s], n)
		}
		if match && !fn(e) {
			return false
		}
	}
	return true
}

// selectOne counts the selected elements: count is 0, 1 or 2 (two or
// more), el the first when count is 1.
func (f *xpathFast) selectOne(ix *xmlIndex) (el *xmlElem, count int, ok bool) {
	ok = f.each(ix, func(e *xmlElem) bool {
		if count++; count == 1 {
			el = e
		}
		return count < 2
	})
	if count >= 2 {
		return nil, 2, true
	}
	return el, count, ok
}

// fastString is stringValueOf from the index; ok false means ask the full
// evaluator.
func (f *xpathFast) fastString(mc *MessageContext) (string, bool) {
	ix := mc.fastXML()
	if ix == nil {
		return "", false
	}
	if f.Text {
		return f.texts(ix)
	}
	el, n, ok := f.selectOne(ix)
	switch {
	case !ok || n > 1:
		return "", false
	case n == 0:
		return "", true
	case !el.leaf:
		return "", false
	}
	text, ok := ix.leafText(el)
	if !ok || text == "" {
		return "", false // serialised by the full path
	}
	return text, true
}

// fastBool is boolean() of the node set.
func (f *xpathFast) fastBool(mc *MessageContext) (bool, bool) {
	ix := mc.fastXML()
	if ix == nil {
		return false, false
	}
	if f.Text {
		v, ok := f.texts(ix)
		return v != "", ok
	}
	_, n, ok := f.selectOne(ix)
	return n > 0, ok
}

// texts is the string of path/text(): the text nodes of every selected
// element in document order, untrimmed; only leaves are answered (an
// element's text between child elements goes the full way).
func (f *xpathFast) texts(ix *xmlIndex) (string, bool) {
	var out []byte
	ok := f.each(ix, func(e *xmlElem) bool {
		if !e.leaf {
			return false
		}
		var good bool
		out, good = ix.appendLeafText(out, e)
		return good
	})
	return string(out), ok
}

// leafText is AXIOM's getText() of a leaf, trimmed: its text and CDATA
// with the named entities decoded.
func (ix *xmlIndex) leafText(e *xmlElem) (string, bool) {
	c := ix.body[e.content[0]:e.content[1]]
	if !e.crOrEntity && bytes.IndexByte(c, '<') < 0 {
		return string(bytes.TrimSpace(c)), true
	}
	out, ok := ix.appendLeafText(nil, e)
	return string(bytes.TrimSpace(out)), ok
}

// appendLeafText appends a leaf's text and CDATA, decoded; false when a
// carriage return would need encoding/xml's line-end normalisation.
func (ix *xmlIndex) appendLeafText(out []byte, e *xmlElem) ([]byte, bool) {
	c := ix.body[e.content[0]:e.content[1]]
	if !e.crOrEntity && bytes.IndexByte(c, '<') < 0 {
		return append(out, c...), true
	}
	for len(c) > 0 {
		if bytes.HasPrefix(c, []byte("<![CDATA[")) {
			end := bytes.Index(c, []byte("]]>"))
			out = append(out, c[9:end]...)
			c = c[end+3:]
			continue
		}
		j := bytes.IndexByte(c, '<')
		if j < 0 {
			j = len(c)
		}
		out = appendUnescaped(out, c[:j])
		c = c[j:]
	}
	if e.crOrEntity && bytes.IndexByte(ix.body[e.content[0]:e.content[1]], '\r') >= 0 {
		return out, false
	}
	return out, true
}

func appendUnescaped(out, t []byte) []byte {
	for {
		j := bytes.IndexByte(t, '&')
		if j < 0 {
			return append(out, t...)
		}
		out = append(out, t[:j]...)
		t = t[j+1:]
		switch {
		case bytes.HasPrefix(t, []byte("lt;")):
			out, t = append(out, '<'), t[3:]
		case bytes.HasPrefix(t, []byte("gt;")):
			out, t = append(out, '>'), t[3:]
		case bytes.HasPrefix(t, []byte("amp;")):
			out, t = append(out, '&'), t[4:]
		case bytes.HasPrefix(t, []byte("quot;")):
			out, t = append(out, '"'), t[5:]
		case bytes.HasPrefix(t, []byte("apos;")):
			out, t = append(out, '\''), t[5:]
		}
	}
}
