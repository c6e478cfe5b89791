package mediation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/antchfx/xmlquery"
)

// Synapse's escapes for JSON keys that are not XML names (JsonUtil).
const (
	jsonPrefixDigit  = "_JsonReader_PD_"
	jsonPrefixDollar = "_JsonReader_PS_"
)

// JSONToElement converts a JSON document to the element Synapse puts in the
// SOAP body: <jsonObject> with members as child elements, named arrays as
// repeated elements, a top-level array as <jsonArray><jsonElement>..., a
// scalar as <jsonValue>. Member order is kept. The caller bounds the depth.
func JSONToElement(b []byte) (*xmlquery.Node, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	tok, err := d.Token()
	if err != nil {
		return nil, fmt.Errorf("parse json payload: %w", err)
	}
	var root *xmlquery.Node
	switch tok {
	case json.Delim('{'):
		root = newElement("jsonObject", "", "")
		err = readJSONObject(d, root)
	case json.Delim('['):
		root = newElement("jsonArray", "", "")
		err = readJSONArray(d, root, "jsonElement")
	default:
		root = newElement("jsonValue", "", "")
		setText(root, tok)
	}
	if err == nil {
		if _, extra := d.Token(); extra != io.EOF {
			err = fmt.Errorf("unexpected data after the top-level value")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("parse json payload: %w", err)
	}
	return root, nil
}

// readJSONObject reads members up to the closing brace into parent.
func readJSONObject(d *json.Decoder, parent *xmlquery.Node) error {
	for d.More() {
		k, err := d.Token()
		if err != nil {
			return err
		}
		if err := readJSONValue(d, parent, jsonKeyToXML(k.(string))); err != nil {
			return err
		}
	}
	_, err := d.Token()
	return err
}

// readJSONArray reads items as repeated <name> elements under parent.
func readJSONArray(d *json.Decoder, parent *xmlquery.Node, name string) error {
	for d.More() {
		if err := readJSONValue(d, parent, name); err != nil {
			return err
		}
	}
	_, err := d.Token()
	return err
}

func readJSONValue(d *json.Decoder, parent *xmlquery.Node, name string) error {
	tok, err := d.Token()
	if err != nil {
		return err
	}
	if tok == json.Delim('[') {
		return readJSONArray(d, parent, name)
	}
	el := newElement(name, "", "")
	xmlquery.AddChild(parent, el)
	if tok == json.Delim('{') {
		return readJSONObject(d, el)
	}
	setText(el, tok)
	return nil
}

func setText(el *xmlquery.Node, tok json.Token) {
	var s string
	switch v := tok.(type) {
	case string:
		s = v
	case json.Number:
		s = v.String()
	case bool:
		s = strconv.FormatBool(v)
	}
	if s != "" {
		xmlquery.AddChild(el, &xmlquery.Node{Type: xmlquery.TextNode, Data: s})
	}
}

func jsonKeyToXML(k string) string {
	switch {
	case k == "":
		return jsonPrefixDigit
	case k[0] >= '0' && k[0] <= '9':
		return jsonPrefixDigit + k
	case k[0] == '$':
		return jsonPrefixDollar + k[1:]
	}
	return k
}

func xmlNameToJSONKey(n string) string {
	switch {
	case strings.HasPrefix(n, jsonPrefixDigit):
		return n[len(jsonPrefixDigit):]
	case strings.HasPrefix(n, jsonPrefixDollar):
		return "$" + n[len(jsonPrefixDollar):]
	}
	return n
}

// ElementToJSON converts an XML element to a JSON value the way Synapse's
// formatter does: <jsonObject> and <jsonArray> unwrap, any other element
// becomes {"name": value}; repeated children become arrays, attributes
// "@name" members, numbers and booleans primitives, empty elements null.
// Member order is not kept (Go maps). nil gives nil.
func ElementToJSON(el *xmlquery.Node) any {
	if el == nil {
		return nil
	}
	switch el.Data {
	case "jsonObject":
		if v, ok := elementValue(el).(map[string]any); ok {
			return v
		}
		return map[string]any{}
	case "jsonArray":
		out := []any{}
		for c := el.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == xmlquery.ElementNode {
				out = append(out, elementValue(c))
			}
		}
		return out
	case "jsonValue":
		return elementValue(el)
	}
	return map[string]any{xmlNameToJSONKey(el.Data): elementValue(el)}
}

func elementValue(el *xmlquery.Node) any {
	obj := map[string]any{}
	for _, a := range el.Attr {
		if a.Name.Space != "xmlns" && a.Name.Local != "xmlns" {
			obj["@"+a.Name.Local] = autoPrimitive(a.Value)
		}
	}
	hasChild := false
	for c := el.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != xmlquery.ElementNode {
			continue
		}
		hasChild = true
		k, v := xmlNameToJSONKey(c.Data), elementValue(c)
		switch prev := obj[k].(type) {
		case nil:
			if _, seen := obj[k]; seen {
				obj[k] = []any{nil, v}
			} else {
				obj[k] = v
			}
		case []any:
			obj[k] = append(prev, v)
		default:
			obj[k] = []any{prev, v}
		}
	}
	text := strings.TrimSpace(el.InnerText())
	if !hasChild && len(obj) == 0 {
		if text == "" {
			return nil
		}
		return autoPrimitive(text)
	}
	if !hasChild && text != "" {
		obj["$"] = autoPrimitive(text)
	}
	return obj
}

// autoPrimitive turns number and boolean text into JSON primitives, as
// Synapse's autoPrimitive output setting (on by default) does.
func autoPrimitive(s string) any {
	switch s {
	case "true":
		return true
	case "false":
		return false
	}
	if len(s) > 1 && s[0] == '0' && s[1] != '.' {
		return s // keep "007" a string
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && strings.ContainsAny(s, "0123456789") && !strings.ContainsAny(s, "xXnN") {
		return f
	}
	return s
}
