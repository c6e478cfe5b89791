package mediators

import (
	"fmt"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// sequenceRef is <sequence key="name"/>: it runs another deployed sequence
// in place and returns its result, so a false (respond, drop...) inside it
// stops the caller too. A key naming a local entry or registry resource is
// compiled in at deploy time (resourceSequence); any other static key is
// resolved per request against the tenant's snapshot (mc.Sequences), so a
// hot-deployed target is picked up without recompiling its callers. A dynamic key
// ({$ctx:X}, {get-property('X')}) is an expression evaluated per request.
type sequenceRef struct {
	key nameOrExpr
}

func init() { mediation.Register("sequence", newSequenceRef) }

// Mediate implements mediation.Mediator.
func (s *sequenceRef) Mediate(mc *mediation.MessageContext) (bool, error) {
	key, err := s.key.value(mc)
	if err != nil {
		return false, fmt.Errorf("sequence key: %w", err)
	}
	if key == "" {
		return false, fmt.Errorf("sequence key {%s} evaluated to an empty string", s.key.expr.Source())
	}
	return runSequence(mc, key)
}

// runSequence runs the named sequence of the request's snapshot, guarding
// against run-away recursion through dynamic keys.
func runSequence(mc *mediation.MessageContext, key string) (bool, error) {
	var seq mediation.Mediator
	if mc.Sequences != nil {
		seq = mc.Sequences.Sequence(key)
	}
	if seq == nil {
		return false, fmt.Errorf("sequence %q not found", key)
	}
	leave, ok := mc.EnterSequence()
	if !ok {
		return false, fmt.Errorf("sequence %q: sequences nested too deep (recursive key?)", key)
	}
	defer leave()
	return seq.Mediate(mc)
}

func newSequenceRef(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	if _, ok := mediation.Attr(el, "key"); !ok {
		if _, named := mediation.Attr(el, "name"); named {
			return nil, c.Errorf(el, "nested sequence definitions are not supported; use key=")
		}
	}
	key, err := compileNameOrExpr(el, c, "key")
	if err != nil {
		return nil, err
	}
	if key.expr == nil {
		res, found, err := c.LookupResource(el, "key", key.static)
		if err != nil {
			return nil, err
		}
		if found {
			return compileResourceSequence(el, c, res)
		}
		c.AddRef(key.static)
	} else {
		c.NeedsBody = true // the sequence it names is only known at run time: it may read the body
	}
	return &sequenceRef{key: key}, nil
}

// resourceSequence is a sequence stored as a local entry or registry
// resource (<sequence key="gov:/seq/x.xml"/>): compiled into the caller at
// deploy time, so a change to the resource redeploys the callers (the
// deployer tracks Compiler.Resources).
type resourceSequence struct {
	key  string
	body mediation.List
}

// Mediate implements mediation.Mediator.
func (s *resourceSequence) Mediate(mc *mediation.MessageContext) (bool, error) {
	leave, ok := mc.EnterSequence()
	if !ok {
		return false, fmt.Errorf("sequence %q: sequences nested too deep", s.key)
	}
	defer leave()
	cont, err := s.body.Mediate(mc)
	if err != nil {
		return false, fmt.Errorf("sequence %q: %w", s.key, err)
	}
	return cont, nil
}

// compileResourceSequence compiles a resource holding a <sequence>.
// onError is refused: its handler would be looked up by name at run time,
// which a resource sequence has no stable place for yet.
func compileResourceSequence(el *etree.Element, c *mediation.Compiler, res *mediation.Resource) (mediation.Mediator, error) {
	root := res.XML
	if root == nil || root.Tag != "sequence" || !mediation.IsSynapse(root) {
		return nil, c.Errorf(el, "key=%q: the resource (%s) is not a <sequence>", res.Key, res.File)
	}
	if v, ok := mediation.Attr(root, "onError"); ok && v != "" {
		return nil, c.Errorf(el, "key=%q: onError on a sequence stored as a resource is not supported; put the handling in the calling sequence", res.Key)
	}
	var body mediation.List
	err := c.InResource(el, res, func() error {
		var err error
		body, err = c.List(root)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &resourceSequence{key: res.Key, body: body}, nil
}

// staticRef is a reference with a fixed key, as <then sequence="x"> and
// <else sequence="x"> write it.
type staticRef string

// Mediate implements mediation.Mediator.
func (s staticRef) Mediate(mc *mediation.MessageContext) (bool, error) {
	return runSequence(mc, string(s))
}
