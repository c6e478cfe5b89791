package mediators

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// enrich is <enrich>: it takes a value from a source (an XPath or
// json-eval selection, the envelope, the body, a property, or inline XML or
// JSON) and puts it into a target (a selection, the body, a property, the
// envelope, or a JSON key to rename) with action replace, child, sibling
// or remove, as Synapse's EnrichMediator does. XML payloads are changed on
// the parsed document and written back; JSON payloads on the parsed JSON.
// The API-M digest-auth idiom, body to property MessageBody and back, keeps
// the payload byte-exact through the property. Always continues.
type enrich struct {
	src enrichSource
	tgt enrichTarget
}

type enrichType uint8

const (
	enrichCustom enrichType = iota
	enrichEnvelope
	enrichBody
	enrichProperty
	enrichInline
	enrichKey
)

var enrichTypes = map[string]enrichType{
	"": enrichCustom, "custom": enrichCustom, "envelope": enrichEnvelope, "body": enrichBody,
	"property": enrichProperty, "inline": enrichInline, "key": enrichKey,
}

type enrichAction uint8

const (
	actReplace enrichAction = iota
	actChild
	actSibling
	actRemove
)

var enrichActions = map[string]enrichAction{
	"": actReplace, "replace": actReplace, "child": actChild, "sibling": actSibling, "remove": actRemove,
}

func init() { mediation.Register("enrich", newEnrich) }

// Mediate implements mediation.Mediator.
func (e *enrich) Mediate(mc *mediation.MessageContext) (bool, error) {
	var v enrichValue
	if e.tgt.action != actRemove {
		var err error
		if v, err = e.src.eval(mc); err != nil {
			return false, fmt.Errorf("enrich source: %w", err)
		}
	}
	if err := e.tgt.apply(mc, v); err != nil {
		return false, fmt.Errorf("enrich target: %w", err)
	}
	return true, nil
}

func newEnrich(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	c.NeedsBody = true
	src, tgt := synapseChild(el, "source"), synapseChild(el, "target")
	if src == nil || tgt == nil {
		return nil, c.Errorf(el, "<source> and <target> are required")
	}
	e := &enrich{}
	var err error
	if e.tgt, err = compileEnrichTarget(tgt, c); err != nil {
		return nil, err
	}
	if e.tgt.action == actRemove {
		return e, nil // Synapse ignores the source when removing
	}
	if e.src, err = compileEnrichSource(src, c); err != nil {
		return nil, err
	}
	e.src.textOnly = e.tgt.typ == enrichProperty
	if e.src.typ == enrichEnvelope && e.tgt.typ == enrichEnvelope {
		return nil, c.Errorf(tgt, "envelope to envelope is not a valid combination")
	}
	return e, nil
}

// enrichTypeAttr reads type= for a source or target.
func enrichTypeAttr(el *etree.Element, c *mediation.Compiler, allowed ...enrichType) (enrichType, error) {
	t, _ := mediation.Attr(el, "type")
	typ, ok := enrichTypes[strings.TrimSpace(t)]
	if ok {
		for _, a := range allowed {
			if a == typ {
				return typ, nil
			}
		}
	}
	if t == "variable" {
		return 0, c.Errorf(el, "type \"variable\" (MI 4.4 variables) is not supported")
	}
	return 0, c.Errorf(el, "invalid type %q", t)
}

// propertyAttr reads the property= a property source or target needs.
func propertyAttr(el *etree.Element, c *mediation.Compiler) (string, error) {
	p, _ := mediation.Attr(el, "property")
	if strings.TrimSpace(p) == "" {
		return "", c.Errorf(el, "property attribute is required for type=\"property\"")
	}
	return p, nil
}
