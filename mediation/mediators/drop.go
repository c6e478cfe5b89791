package mediators

import (
	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// drop is <drop/>: stop mediating this message. On the request path the
// client gets 202 Accepted with no body, as MI documents; nothing after it
// runs.
type drop struct{}

func init() { mediation.Register("drop", newDrop) }

// Mediate implements mediation.Mediator.
func (drop) Mediate(mc *mediation.MessageContext) (bool, error) {
	mc.Outcome = mediation.Drop
	return false, nil
}

func newDrop(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	return drop{}, nil
}
