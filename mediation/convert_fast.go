package mediation

import (
	"bytes"
	"sync"
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
