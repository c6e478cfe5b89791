package mediators

import (
	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// loopback is <loopback/>: on the request path the current message becomes
// the response and the Out sequences run, without calling the backend. On
// the response path Synapse does nothing but stop the flow, and so do we.
type loopback struct{}

func init() { mediation.Register("loopback", newLoopback) }

// Mediate implements mediation.Mediator.
func (loopback) Mediate(mc *mediation.MessageContext) (bool, error) {
	if mc.Dir == mediation.In {
		mc.Outcome = mediation.Loopback
	}
	return false, nil
}

func newLoopback(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	return loopback{}, nil
}
