package mediators

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/beevik/etree"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/seqgate/seqgate/mediation"
)

// validate is <validate>: the payload (or what source= selects) is checked
// against a JSON Schema (santhosh-tekuri/jsonschema, drafts 4 to 2020-12),
// compiled once at deploy time. On failure ERROR_MESSAGE and ERROR_DETAIL
// hold the validation error and the <on-fail> mediators run; their result
// is the mediator's result. A valid message continues.
//
// Synapse loads schemas from the registry, which seqgate does not have, so
// <schema> is either inline JSON text (a seqgate extension) or key= a file
// path relative to the sequence file's folder (see validate_schema.go).
// XML Schema (XSD) is a deploy error: no maintained pure-Go XSD validator is
// served to this build (checked: lestrrat-go/libxml2 and
// terminalstatic/go-xsd-validate, both cgo bindings to libxml2).
type validate struct {
	source mediation.Expression // nil: the payload
	schema *jsonschema.Schema
	onFail mediation.List
}

func init() { mediation.Register("validate", newValidate) }

// Mediate implements mediation.Mediator.
func (v *validate) Mediate(mc *mediation.MessageContext) (bool, error) {
	inst, err := v.instance(mc)
	if err == nil {
		err = v.schema.Validate(inst)
	}
	if err == nil {
		return true, nil
	}
	msg := validationMessage(err)
	mc.SetProperty(mediation.ScopeDefault, "ERROR_MESSAGE", msg)
	mc.SetProperty(mediation.ScopeDefault, "ERROR_DETAIL", msg)
	return v.onFail.Mediate(mc)
}

// instance is the JSON value to validate: the payload (an XML payload in
// its Synapse JSON form), a json-eval result, or another expression's
// string, read as JSON when it is JSON.
func (v *validate) instance(mc *mediation.MessageContext) (any, error) {
	if v.source == nil {
		return mc.JSON()
	}
	if vl, ok := v.source.(mediation.Valuer); ok {
		return vl.Value(mc)
	}
	s, err := v.source.String(mc)
	if err != nil {
		return nil, err
	}
	var out any
	if json.Unmarshal([]byte(s), &out) == nil {
		return out, nil
	}
	return s, nil
}

// validationMessage flattens the library's multi-line report into one
// line of causes: "at '/qty': minimum: got 0, want 1; at ”: ...".
func validationMessage(err error) string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	return flattenReport(ve.Error())
}

func flattenReport(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimLeft(strings.TrimSpace(l), "- ")
		if l == "" || strings.HasPrefix(l, "jsonschema validation failed") {
			continue
		}
		parts = append(parts, strings.ReplaceAll(l, schemaURL+"#", "schema"))
	}
	if len(parts) == 0 {
		return strings.ReplaceAll(strings.TrimSpace(s), schemaURL+"#", "schema")
	}
	return strings.Join(parts, "; ")
}

func newValidate(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	c.NeedsBody = true
	v := &validate{}
	var err error
	if v.source, err = c.Expr(el, "source"); err != nil {
		return nil, err
	}
	if err := checkValidateChildren(el, c); err != nil {
		return nil, err
	}
	if v.schema, err = compileSchema(el, c); err != nil {
		return nil, err
	}
	of := synapseChild(el, "on-fail")
	if of == nil {
		return nil, c.Errorf(el, "<on-fail> is required")
	}
	if v.onFail, err = c.List(of); err != nil {
		return nil, err
	}
	return v, nil
}

// checkValidateChildren refuses what would silently change validation.
func checkValidateChildren(el *etree.Element, c *mediation.Compiler) error {
	for _, ch := range el.ChildElements() {
		switch ch.Tag {
		case "schema", "on-fail", "description", "feature":
		case "resource":
			return c.Errorf(ch, "<resource> (XSD imports from the registry) is not supported")
		default:
			return c.Errorf(ch, "unexpected element in <validate>; want <schema>, <on-fail> or <feature>")
		}
	}
	return nil
}

// errNoXSD is the deploy error for an XML schema.
var errNoXSD = fmt.Errorf("XML Schema (XSD) validation is not supported: no maintained pure-Go XSD validator is available; " +
	"validate a JSON payload with a JSON Schema instead")
