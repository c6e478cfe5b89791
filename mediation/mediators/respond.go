package mediators

import (
	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// respond is <respond/>: the current message goes back to the client now.
// On the request path no backend is called; the status comes from HTTP_SC
// (the gateway defaults it to 200). It always stops the flow.
type respond struct{}

func init() { mediation.Register("respond", newRespond) }

// Mediate implements mediation.Mediator.
func (respond) Mediate(mc *mediation.MessageContext) (bool, error) {
	mc.Outcome = mediation.Respond
	return false, nil
}

func newRespond(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	return respond{}, nil
}
