package mediators

import (
	"fmt"
	"sync"
	"time"

	"github.com/antchfx/xmlquery"
	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// Scatter-gather as seqgate runs it (clone.go, iterate.go, aggregate.go):
// inside one request, the way API-M custom sequences need it. A clone or
// iterate forks one context per branch (mediation.MessageContext.Fork: its
// own copy of headers, body and properties), runs every branch's target on
// its own goroutine (one after another with sequential="true"), and waits
// for all of them before it returns: no goroutine outlives the mediator,
// let alone the request. Each branch's backend calls are bounded by the
// scatter's deadline: the completeCondition timeout of the aggregate with
// the same id in the same file, else timeouts.aggregate; a branch still
// running then ends with a timeout error, as Synapse's aggregate stops
// waiting for it. The results wait on the request's context until an
// aggregate with the same id collects them, later in the flow or on the
// response path.

// scatterLink carries an aggregate's timeout to the clone or iterate with
// the same id compiled from the same file (Compiler.Links); it is filled
// at compile time and only read per request.
type scatterLink struct{ timeout time.Duration }

func linkFor(c *mediation.Compiler, id string) *scatterLink {
	if c.Links == nil {
		c.Links = map[string]any{}
	}
	k := "scatter:" + id
	if l, ok := c.Links[k].(*scatterLink); ok {
		return l
	}
	l := &scatterLink{}
	c.Links[k] = l
	return l
}

// scatterTarget is a <target>: an inline <sequence>, sequence="key", an
// inline <endpoint> or endpoint="key"; soapAction= and to= are set on the
// branch's message first. A sequence that ends in <send> has its send done
// in the branch (the answer becomes the branch's message), since the
// branch has no response path of its own; an endpoint alone is called the
// same way.
type scatterTarget struct {
	seq        mediation.Mediator
	ep         mediation.Endpoint
	soapAction string
	to         string
}

func compileTarget(el *etree.Element, c *mediation.Compiler) (scatterTarget, error) {
	var t scatterTarget
	t.soapAction, _ = mediation.Attr(el, "soapAction")
	t.to, _ = mediation.Attr(el, "to")
	for _, ch := range el.ChildElements() {
		if !mediation.IsSynapse(ch) || ch.Tag == "description" {
			continue
		}
		switch ch.Tag {
		case "sequence":
			if _, ok := mediation.Attr(ch, "key"); ok {
				m, err := c.Mediator(ch)
				if err != nil {
					return t, err
				}
				t.seq = m
				continue
			}
			l, err := c.List(ch)
			if err != nil {
				return t, err
			}
			t.seq = l
		case "endpoint":
			ep, err := compileEndpoint(ch, c)
			if err != nil {
				return t, err
			}
			t.ep = ep
		default:
			return t, c.Errorf(ch, "unexpected element in <target> (want <sequence> or <endpoint>)")
		}
	}
	// An inline sequence wins over sequence= (Synapse's Target does; Dev
	// Studio writes sequence="anon" beside one).
	if key, ok := mediation.Attr(el, "sequence"); ok && t.seq == nil && key != "" {
		c.AddRef(key)
		t.seq = staticRef(key)
	}
	if key, ok := mediation.Attr(el, "endpoint"); ok && t.ep == nil && key != "" {
		ep, err := compileEndpoint(endpointKey(key), c)
		if err != nil {
			return t, c.Errorf(el, "endpoint=%q: %v", key, err)
		}
		t.ep = ep
	}
	if t.seq == nil && t.ep == nil {
		return t, c.Errorf(el, "a <target> needs a sequence or an endpoint")
	}
	c.NeedsBody = true
	return t, nil
}

func endpointKey(key string) *etree.Element {
	e := etree.NewElement("endpoint")
	e.CreateAttr("key", key)
	return e
}

// run runs the target on branch b.
func (t *scatterTarget) run(b *mediation.MessageContext) error {
	if t.soapAction != "" {
		b.SetHeader("SOAPAction", t.soapAction)
	}
	if t.to != "" {
		b.Props.Set("To", t.to)
	}
	if t.seq != nil {
		cont, err := t.seq.Mediate(b)
		if err != nil || cont {
			return err
		}
		switch b.Outcome {
		case mediation.Send:
			b.Outcome = mediation.Continue
			return callEndpoint(b, b.SendTo)
		case mediation.Drop:
			return fmt.Errorf("the branch was dropped")
		}
		return nil
	}
	return callEndpoint(b, t.ep)
}

// scatter runs one branch per context in parts with run, concurrently
// unless sequential, and returns their results in order. It takes
// ownership of parts (the results hold them) and waits for every branch;
// the branches' backend calls end by the deadline.
func scatter(mc *mediation.MessageContext, id string, parts []*mediation.MessageContext, sequential bool,
	timeout time.Duration, run func(i int, b *mediation.MessageContext) error) *mediation.Scattered {
	start := time.Now()
	deadline := start.Add(timeout)
	if !mc.Deadline.IsZero() && mc.Deadline.Before(deadline) {
		deadline = mc.Deadline // a nested scatter gives up with its parent
	}
	out := &mediation.Scattered{ID: id, Branches: make([]mediation.Branch, len(parts))}
	one := func(i int) {
		b := parts[i]
		b.Deadline = deadline
		b.MarkBranch(id)
		err := runBranch(i, b, run)
		if err == nil && time.Now().After(deadline) {
			err = fmt.Errorf("branch %d finished after the aggregate's timeout (%s)", i+1, timeout)
		}
		out.Branches[i] = mediation.Branch{MC: b, Err: err, After: time.Since(start)}
	}
	// A dry-run's stub transport records one flow: its branches run in turn.
	if sequential || mc.DryRun() || len(parts) == 1 {
		for i := range parts {
			one(i)
		}
		return out
	}
	var wg sync.WaitGroup
	wg.Add(len(parts))
	for i := range parts {
		go func() {
			defer wg.Done()
			one(i)
		}()
	}
	wg.Wait()
	return out
}

// runBranch runs one branch, turning a panic into the branch's error: a
// panic on a goroutine of its own would end the process.
func runBranch(i int, b *mediation.MessageContext, run func(int, *mediation.MessageContext) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("branch %d panicked: %v", i+1, r)
		}
	}()
	return run(i, b)
}

// forkN forks n branch contexts of mc after counting them against the
// branch caps; on error nothing is held.
func forkN(mc *mediation.MessageContext, n int) ([]*mediation.MessageContext, error) {
	if err := mc.TakeBranches(n); err != nil {
		return nil, err
	}
	parts := make([]*mediation.MessageContext, n)
	for i := range parts {
		f, err := mc.Fork()
		if err != nil {
			for _, p := range parts[:i] {
				p.Release()
			}
			mc.DoneBranches(n)
			return nil, err
		}
		parts[i] = f
	}
	return parts, nil
}

// scatterTimeout is how long a scatter waits: its aggregate's timeout when
// the file has one with the same id, else the configured default.
func scatterTimeout(mc *mediation.MessageContext, l *scatterLink) time.Duration {
	if l != nil && l.timeout > 0 {
		return l.timeout
	}
	return mc.AggregateTimeout()
}

// scatterCommon are the attributes clone and iterate share.
type scatterCommon struct {
	id             string
	continueParent bool
	sequential     bool
	link           *scatterLink
}

func compileScatterCommon(el *etree.Element, c *mediation.Compiler) (scatterCommon, error) {
	var s scatterCommon
	var err error
	s.id, _ = mediation.Attr(el, "id")
	if s.continueParent, err = boolAttr(el, c, "continueParent", false); err != nil {
		return s, err
	}
	if s.sequential, err = boolAttr(el, c, "sequential", false); err != nil {
		return s, err
	}
	s.link = linkFor(c, s.id)
	return s, nil
}

// finish records the results for an aggregate and gives back the
// in-flight reservation. Without continueParent the original message
// stops as in Synapse: the flow after the mediator still runs on the
// request's context (it stands in for the continuation each branch would
// run), and when the request flow ends with results no aggregate took,
// the API's backend is not called (the response path's aggregate collects
// them).
//
// When the branches' own flows reached an aggregate with the scatter's id
// (it sits in the target sequence, or after the scatter in a sequence the
// branches run), that aggregate completes here, once, on mc.
func (s *scatterCommon) finish(mc *mediation.MessageContext, res *mediation.Scattered, n int) (bool, error) {
	mc.DoneBranches(n)
	res.StopsParent = !s.continueParent
	mc.AddScattered(res)
	for _, b := range res.Branches {
		if b.Err == nil && b.MC.Arrived() != nil {
			return b.MC.Arrived().Mediate(mc)
		}
	}
	return true, nil
}

// keepNamespaces copies onto n the namespace declarations in scope from
// its ancestors for the prefixes n and its descendants use and n does not
// declare itself, so n serialized alone or moved out of its document (an
// iterate part, a foreach element, an aggregated element) still declares
// them; the envelope's own declarations do not come along.
func keepNamespaces(n *xmlquery.Node) {
	used := map[string]bool{}
	var walk func(e *xmlquery.Node)
	walk = func(e *xmlquery.Node) {
		if e.Type != xmlquery.ElementNode {
			return
		}
		if e.Prefix != "" || e.NamespaceURI != "" {
			used[e.Prefix] = true
		}
		for _, a := range e.Attr {
			if _, decl := mediation.NSDeclPrefix(a); !decl && a.Name.Space != "" {
				used[a.Name.Space] = true
			}
		}
		for c := e.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	for _, a := range n.Attr {
		if p, ok := mediation.NSDeclPrefix(a); ok {
			delete(used, p)
		}
	}
	for p := n.Parent; p != nil && len(used) > 0; p = p.Parent {
		for _, a := range p.Attr {
			if pre, ok := mediation.NSDeclPrefix(a); ok && used[pre] {
				delete(used, pre)
				n.Attr = append(n.Attr, a)
			}
		}
	}
}
