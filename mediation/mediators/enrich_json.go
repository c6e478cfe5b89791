package mediators

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/antchfx/xmlquery"
	"github.com/ohler55/ojg/jp"
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/xpath"
)

// setBody puts v into the body. replace makes v the payload (a value with
// exact text is written byte for byte); child and sibling add v into or
// next to the payload's root (JSON: append to the root array, or merge an
// object into the root object).
func setBody(mc *mediation.MessageContext, v enrichValue, act enrichAction) error {
	if act == actReplace {
		return replaceBody(mc, v)
	}
	if isJSONBody(mc) {
		doc, err := mc.JSON()
		if err != nil {
			return err
		}
		if act == actSibling {
			return errors.New("action sibling on a JSON body has no place to go; use child")
		}
		out, err := addChild(doc, jsonOf(v))
		if err != nil {
			return err
		}
		return setJSONBody(mc, out)
	}
	wasEnv := isEnvelopeBody(mc)
	doc, err := mc.XMLPayload()
	if err != nil {
		return err
	}
	root := elementChildren(mediation.SOAPPart(doc, "Body"))
	if len(root) == 0 {
		return errors.New("the body has no element to add to")
	}
	if err := insertAt(xpath.SelectedNode{Node: root[0]}, act, v); err != nil {
		return err
	}
	return writeBack(mc, doc, wasEnv, false)
}

func replaceBody(mc *mediation.MessageContext, v enrichValue) error {
	switch {
	case v.kind == valJSON:
		if v.raw != "" {
			mc.SetBody([]byte(v.raw))
		} else if err := setJSONBody(mc, v.json); err != nil {
			return err
		}
		if !isJSONContentType(mc.ContentType()) {
			mc.SetContentType("application/json")
		}
	case v.kind == valXML && isEnvelopeBody(mc):
		doc, err := mc.XMLPayload()
		if err != nil {
			return err
		}
		body := mediation.SOAPPart(doc, "Body")
		body.FirstChild, body.LastChild = nil, nil
		for _, n := range v.nodes {
			xmlquery.AddChild(body, n)
		}
		return writeBack(mc, doc, true, false)
	case v.kind == valXML && isXMLContentType(mc.ContentType()):
		mc.SetBody([]byte(v.String()))
	case v.kind == valXML:
		mc.SetXMLPayloadKeepType([]byte(v.String()))
	default:
		mc.SetBody([]byte(v.String()))
	}
	return nil
}

// applyJSONPath changes the JSON payload at a json-eval path.
func applyJSONPath(mc *mediation.MessageContext, path jp.Expr, act enrichAction, v enrichValue) error {
	if !isJSONBody(mc) {
		return fmt.Errorf("json-eval target %s needs a JSON payload", path)
	}
	doc, err := mc.JSON()
	if err != nil {
		return err
	}
	val := jsonOf(v)
	root := len(path) == 1
	switch act {
	case actReplace:
		if root {
			return setJSONBody(mc, val)
		}
		err = path.Set(doc, val)
	case actRemove:
		if root {
			mc.SetBody(nil)
			return nil
		}
		err = path.Del(doc)
	case actChild:
		doc, err = childAtPath(doc, path, val)
	case actSibling:
		if root {
			return errors.New("the JSON root has no siblings")
		}
		doc, err = childAtPath(doc, path[:len(path)-1], val)
	}
	if err != nil {
		return fmt.Errorf("json-eval %s: %w", path, err)
	}
	return setJSONBody(mc, doc)
}

// childAtPath adds val into the first value at path.
func childAtPath(doc any, path jp.Expr, val any) (any, error) {
	if len(path) == 1 {
		return addChild(doc, val)
	}
	cur := path.First(doc)
	if cur == nil {
		return nil, errors.New("path selects nothing")
	}
	out, err := addChild(cur, val)
	if err != nil {
		return nil, err
	}
	return doc, path.SetOne(doc, out)
}

// addChild appends to an array (an array value's items one by one) or
// merges an object into an object.
func addChild(into, val any) (any, error) {
	switch t := into.(type) {
	case []any:
		if items, ok := val.([]any); ok {
			return append(t, items...), nil
		}
		return append(t, val), nil
	case map[string]any:
		m, ok := val.(map[string]any)
		if !ok {
			return nil, errors.New("only an object can be added to an object")
		}
		for k, x := range m {
			t[k] = x
		}
		return t, nil
	}
	return nil, errors.New("the target is neither an object nor an array")
}

// renameKey is target type key: the member at path gets the new name.
func renameKey(mc *mediation.MessageContext, path jp.Expr, name string) error {
	if name = strings.TrimSpace(name); name == "" {
		return errors.New("the new key name is empty")
	}
	doc, err := mc.JSON()
	if err != nil {
		return err
	}
	key := string(path[len(path)-1].(jp.Child))
	for _, p := range path[:len(path)-1].Get(doc) {
		if m, ok := p.(map[string]any); ok {
			if v, has := m[key]; has {
				delete(m, key)
				m[name] = v
			}
		}
	}
	return setJSONBody(mc, doc)
}

func jsonOf(v enrichValue) any {
	switch v.kind {
	case valJSON:
		return v.json
	case valXML:
		if len(v.nodes) > 0 {
			return mediation.ElementToJSON(v.nodes[0])
		}
		return nil
	}
	return v.text
}

func setJSONBody(mc *mediation.MessageContext, v any) error {
	var src mediation.KeyOrder
	if isJSONBody(mc) {
		// the body still holds the text v was parsed from: its members keep
		// their order, as Synapse's streamed JSON does
		if b, err := mc.CheckedBody(); err == nil {
			src = mediation.JSONTextOrder(b)
		}
	}
	return setJSONBodyFrom(mc, v, src)
}

// setJSONBodyFrom writes v as the JSON body, objects in src's key order.
func setJSONBodyFrom(mc *mediation.MessageContext, v any, src mediation.KeyOrder) error {
	mc.SetBody(mediation.AppendJSONOrdered(nil, v, src))
	return nil
}

// jsonBytes encodes without HTML escaping (Synapse writes < as is).
func jsonBytes(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode json: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
