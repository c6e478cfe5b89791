package mediators

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/seqgate/seqgate/mediation"
)

// jsonLimits stands in for API-M's
// org.wso2.carbon.apimgt.gateway.mediators.JsonSchemaValidator, which is
// despite its name the JSON threat protector: it streams the JSON body and
// refuses it when a limit is exceeded. The limits come from default-scope
// properties set before it, as in the json_validator policy:
// maxPropertyCount (members per object), maxStringLength, maxArrayElementCount,
// maxKeyLength, maxJsonDepth. An unset limit is not checked (the Java class
// faults instead). A violation is a threat: 400 through _threat_fault_ (see
// handleThreat). Bodies that are not JSON pass.
type jsonLimits struct{}

func init() {
	mediation.RegisterClass("org.wso2.carbon.apimgt.gateway.mediators.JsonSchemaValidator",
		func([]mediation.ClassProperty) (mediation.Mediator, error) { return jsonLimits{}, nil })
}

type jsonLimitSet struct {
	props, str, arr, key, depth int
}

// Mediate implements mediation.Mediator.
func (jsonLimits) Mediate(mc *mediation.MessageContext) (bool, error) {
	if len(bytes.TrimSpace(mc.Body())) == 0 || !isJSONBody(mc) {
		return true, nil
	}
	lim, err := readJSONLimits(mc)
	if err == nil {
		err = lim.check(mc.Body())
	}
	if err != nil {
		return handleThreat(mc, "400", "Request is failed due to JSON schema validation failure: "+err.Error())
	}
	return true, nil
}

func readJSONLimits(mc *mediation.MessageContext) (jsonLimitSet, error) {
	var l jsonLimitSet
	for _, f := range []struct {
		name string
		dst  *int
	}{{"maxPropertyCount", &l.props}, {"maxStringLength", &l.str}, {"maxArrayElementCount", &l.arr},
		{"maxKeyLength", &l.key}, {"maxJsonDepth", &l.depth}} {
		v, ok := mc.Property(mediation.ScopeDefault, f.name)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return l, fmt.Errorf("%s=%q is not a number", f.name, v)
		}
		*f.dst = n
	}
	return l, nil
}

// frame is one open object or array: its member count, and for objects
// whether the next string token is a key.
type frame struct {
	obj     bool
	count   int
	wantKey bool
}

// check streams the body token by token; nothing is built.
func (l jsonLimitSet) check(body []byte) error {
	d := json.NewDecoder(bytes.NewReader(body))
	var stack []frame
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if len(stack) > 0 {
				return fmt.Errorf("invalid JSON: %w", io.ErrUnexpectedEOF)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("invalid JSON: %w", err)
		}
		if err := l.step(&stack, tok); err != nil {
			return err
		}
	}
}

func (l jsonLimitSet) step(stack *[]frame, tok json.Token) error {
	s := *stack
	var top *frame
	if len(s) > 0 {
		top = &s[len(s)-1]
	}
	if delim, ok := tok.(json.Delim); ok && (delim == '}' || delim == ']') {
		*stack = s[:len(s)-1]
		if len(*stack) > 0 {
			p := &(*stack)[len(*stack)-1]
			p.wantKey = p.obj
		}
		return nil
	}
	if top != nil && top.obj && top.wantKey {
		top.wantKey = false
		top.count++
		if l.props > 0 && top.count > l.props {
			return fmt.Errorf("max property count %d exceeded", l.props)
		}
		if k := tok.(string); l.key > 0 && utf8.RuneCountInString(k) > l.key {
			return fmt.Errorf("max key length %d exceeded", l.key)
		}
		return nil
	}
	if top != nil && !top.obj {
		top.count++
		if l.arr > 0 && top.count > l.arr {
			return fmt.Errorf("max array element count %d exceeded", l.arr)
		}
	}
	switch t := tok.(type) {
	case json.Delim:
		*stack = append(s, frame{obj: t == '{', wantKey: t == '{'})
		if l.depth > 0 && len(*stack) > l.depth {
			return fmt.Errorf("max JSON depth %d exceeded", l.depth)
		}
		return nil
	case string:
		if l.str > 0 && utf8.RuneCountInString(t) > l.str {
			return fmt.Errorf("max string length %d exceeded", l.str)
		}
	}
	if top != nil && top.obj {
		top.wantKey = true
	}
	return nil
}
