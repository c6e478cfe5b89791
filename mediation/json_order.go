package mediation

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"

	"github.com/antchfx/xmlquery"
	"github.com/ohler55/ojg/jp"
	"github.com/seqgate/seqgate/mediation/jsontext"
	"github.com/tidwall/gjson"
)

// Go maps have no order, and a parsed JSON payload is map[string]any, so
// writing one back used to sort its keys. Synapse keeps the order the
// keys came in (JSON text streamed, XML converted in document order).
// The writers here take the order from where the value came from: the JSON
// text it was parsed from (a body changed by enrich), or the XML element
// it was converted from (messageType JSON on an XML payload). Keys the
// source does not have (added since) follow in sorted order, so the output
// is still deterministic.

// KeyOrder tells the order of the keys of one object, and the order
// sources of its members and items.
type KeyOrder interface {
	// each calls fn for every key of the object in source order.
	each(fn func(key string, sub KeyOrder))
	// items are the order sources of an array's items.
	items() []KeyOrder
}

// AppendJSONOrdered writes v (values as oj or encoding/json decode them)
// as compact JSON, objects in the key order of src (nil: sorted).
func AppendJSONOrdered(dst []byte, v any, src KeyOrder) []byte {
	switch t := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, t)
	case string:
		return jsontext.AppendString(dst, t)
	case int64:
		return strconv.AppendInt(dst, t, 10)
	case int:
		return strconv.AppendInt(dst, int64(t), 10)
	case float64:
		return appendFloat(dst, t)
	case json.Number:
		return append(dst, t...)
	case []any:
		var srcs []KeyOrder
		if src != nil {
			srcs = src.items()
		}
		dst = append(dst, '[')
		for i, it := range t {
			if i > 0 {
				dst = append(dst, ',')
			}
			var sub KeyOrder
			if i < len(srcs) {
				sub = srcs[i]
			}
			dst = AppendJSONOrdered(dst, it, sub)
		}
		return append(dst, ']')
	case map[string]any:
		return appendObjectOrdered(dst, t, src)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, b...)
}

func appendObjectOrdered(dst []byte, m map[string]any, src KeyOrder) []byte {
	dst = append(dst, '{')
	n := 0
	var done map[string]bool
	if src != nil {
		done = make(map[string]bool, len(m))
		src.each(func(k string, sub KeyOrder) {
			v, ok := m[k]
			if !ok || done[k] {
				return
			}
			done[k] = true
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			dst = jsontext.AppendString(dst, k)
			dst = append(dst, ':')
			dst = AppendJSONOrdered(dst, v, sub)
		})
	}
	if n < len(m) {
		rest := make([]string, 0, len(m)-n)
		for k := range m {
			if !done[k] {
				rest = append(rest, k)
			}
		}
		sort.Strings(rest)
		for _, k := range rest {
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			dst = jsontext.AppendString(dst, k)
			dst = append(dst, ':')
			dst = AppendJSONOrdered(dst, m[k], nil)
		}
	}
	return append(dst, '}')
}

// appendFloat writes a float as encoding/json and JavaScript do: plain
// decimals between 1e-6 and 1e21, exponent form outside.
func appendFloat(dst []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(dst, "null"...)
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		dst = strconv.AppendFloat(dst, f, 'e', -1, 64)
		// e-07 -> e-7, as encoding/json writes it
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
		return dst
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}

// rawOrder is the key order of JSON text (gjson reads it in place).
type rawOrder struct{ r gjson.Result }

// JSONTextOrder is the key order of a JSON document's text.
func JSONTextOrder(text []byte) KeyOrder {
	return rawOrder{gjson.ParseBytes(text)}
}

func (o rawOrder) each(fn func(string, KeyOrder)) {
	if !o.r.IsObject() {
		return
	}
	o.r.ForEach(func(k, v gjson.Result) bool {
		fn(k.String(), rawOrder{v})
		return true
	})
}

func (o rawOrder) items() []KeyOrder {
	if !o.r.IsArray() {
		return nil
	}
	var out []KeyOrder
	o.r.ForEach(func(_, v gjson.Result) bool {
		out = append(out, rawOrder{v})
		return true
	})
	return out
}

// xmlOrder is the key order ElementToJSON's value of els has: attributes
// ("@name") first, then the child element names in order of first
// appearance; a name repeated is an array whose items are those elements.
type xmlOrder struct{ els []*xmlquery.Node }

// ElementOrder is the key order of ElementToJSON(el)'s value.
func ElementOrder(el *xmlquery.Node) KeyOrder {
	if el == nil {
		return nil
	}
	switch el.Data {
	case "jsonObject", "jsonValue":
		return xmlOrder{[]*xmlquery.Node{el}}
	case "jsonArray":
		return jsonArrayOrder{el}
	}
	return wrapOrder{el}
}

func (o xmlOrder) each(fn func(string, KeyOrder)) {
	el := o.els[0]
	for _, a := range el.Attr {
		if a.Name.Space != "xmlns" && a.Name.Local != "xmlns" {
			fn("@"+a.Name.Local, nil)
		}
	}
	var names []string
	groups := map[string][]*xmlquery.Node{}
	for c := el.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != xmlquery.ElementNode {
			continue
		}
		k := xmlNameToJSONKey(c.Data)
		if _, seen := groups[k]; !seen {
			names = append(names, k)
		}
		groups[k] = append(groups[k], c)
	}
	for _, k := range names {
		fn(k, xmlOrder{groups[k]})
	}
}

func (o xmlOrder) items() []KeyOrder {
	out := make([]KeyOrder, len(o.els))
	for i, el := range o.els {
		out[i] = xmlOrder{[]*xmlquery.Node{el}}
	}
	return out
}

// jsonArrayOrder is <jsonArray>: its element children are the items.
type jsonArrayOrder struct{ el *xmlquery.Node }

func (jsonArrayOrder) each(func(string, KeyOrder)) {}

func (o jsonArrayOrder) items() []KeyOrder {
	var out []KeyOrder
	for c := o.el.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xmlquery.ElementNode {
			out = append(out, xmlOrder{[]*xmlquery.Node{c}})
		}
	}
	return out
}

// wrapOrder is any other root element: {"name": value}.
type wrapOrder struct{ el *xmlquery.Node }

func (o wrapOrder) each(fn func(string, KeyOrder)) {
	fn(xmlNameToJSONKey(o.el.Data), xmlOrder{[]*xmlquery.Node{o.el}})
}

func (wrapOrder) items() []KeyOrder { return nil }

// PayloadJSONText is v, the value mc.JSON() gave for a payload that is not
// JSON text (XML, SOAP, text, form), as JSON with members in document
// order; for a JSON body it is JSONText(v).
func PayloadJSONText(mc *MessageContext, v any) string {
	if mc.BodyFormat() == FormatJSON {
		return JSONText(v)
	}
	doc, err := mc.XMLPayload()
	if err != nil {
		return JSONText(v)
	}
	switch v.(type) {
	case map[string]any, []any:
		return string(AppendJSONOrdered(nil, v, ElementOrder(payloadElement(doc))))
	}
	return JSONText(v)
}

// orderAt follows a normalized path ($, names, indexes) in src.
func orderAt(src KeyOrder, loc jp.Expr) KeyOrder {
	for _, f := range loc {
		if src == nil {
			return nil
		}
		if ro, ok := src.(rawOrder); ok {
			// JSON text: step with gjson directly, stopping at the
			// member or item, without a KeyOrder per sibling
			src = ro.step(f)
			continue
		}
		switch f := f.(type) {
		case jp.Child:
			var next KeyOrder
			src.each(func(k string, sub KeyOrder) {
				if next == nil && k == string(f) {
					next = sub
				}
			})
			src = next
		case jp.Nth:
			items := src.items()
			i := int(f)
			if i < 0 {
				i += len(items)
			}
			if i < 0 || i >= len(items) {
				return nil
			}
			src = items[i]
		}
	}
	return src
}

// step is orderAt's one step in JSON text: member f of an object, item f
// of an array (negative from the end); nil when there is none.
func (o rawOrder) step(f jp.Frag) KeyOrder {
	var next gjson.Result
	found := false
	switch f := f.(type) {
	case jp.Child:
		if !o.r.IsObject() {
			return nil
		}
		o.r.ForEach(func(k, v gjson.Result) bool {
			if k.Str == string(f) {
				next, found = v, true
			}
			return !found
		})
	case jp.Nth:
		if !o.r.IsArray() {
			return nil
		}
		i := int(f)
		if i < 0 {
			n := 0
			o.r.ForEach(func(_, _ gjson.Result) bool { n++; return true })
			i += n
		}
		n := 0
		o.r.ForEach(func(_, v gjson.Result) bool {
			if n == i {
				next, found = v, true
			}
			n++
			return !found
		})
	default: // $ and anything else: stay
		return o
	}
	if !found {
		return nil
	}
	return rawOrder{next}
}

// listOrder is the order of several matches written as one array.
type listOrder []KeyOrder

func (listOrder) each(func(string, KeyOrder)) {}
func (l listOrder) items() []KeyOrder         { return l }

// PayloadOrder is the key order of the current payload: its JSON text, or
// the document order of the XML it is (nil when it cannot be read). A
// value built from mc.JSON() and written back with it keeps the client's
// order for the members it kept.
func PayloadOrder(mc *MessageContext) KeyOrder {
	if mc.BodyFormat() == FormatJSON {
		b, err := mc.CheckedBody()
		if err != nil {
			return nil
		}
		return JSONTextOrder(b)
	}
	doc, err := mc.XMLPayload()
	if err != nil {
		return nil
	}
	return ElementOrder(payloadElement(doc))
}
