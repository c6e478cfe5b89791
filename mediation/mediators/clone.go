package mediators

import (
	"fmt"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// clone is <clone [id] [continueParent] [sequential]> with one or more
// <target>s: each target gets its own copy of the current message
// (headers, body, properties) and runs on it (scatter.go); the results wait
// for an <aggregate> with the same id. The branches count against
// limits.max_branches_per_request and limits.max_inflight_branches; past
// either the clone fails with ErrTooManyBranches and no branch runs.
type clone struct {
	scatterCommon
	targets []scatterTarget
}

func init() { mediation.Register("clone", newClone) }

// Mediate implements mediation.Mediator.
func (m *clone) Mediate(mc *mediation.MessageContext) (bool, error) {
	n := len(m.targets)
	parts, err := forkN(mc, n)
	if err != nil {
		return false, fmt.Errorf("clone: %w", err)
	}
	res := scatter(mc, m.id, parts, m.sequential, scatterTimeout(mc, m.link),
		func(i int, b *mediation.MessageContext) error { return m.targets[i].run(b) })
	return m.finish(mc, res, n)
}

func newClone(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	common, err := compileScatterCommon(el, c)
	if err != nil {
		return nil, err
	}
	m := &clone{scatterCommon: common}
	for _, ch := range el.ChildElements() {
		switch {
		case !mediation.IsSynapse(ch) || ch.Tag == "description":
		case ch.Tag == "target":
			t, err := compileTarget(ch, c)
			if err != nil {
				return nil, err
			}
			m.targets = append(m.targets, t)
		default:
			return nil, c.Errorf(ch, "unexpected element in <clone> (want <target>)")
		}
	}
	if len(m.targets) == 0 {
		return nil, c.Errorf(el, "a <clone> needs at least one <target>")
	}
	return m, nil
}
