package mediators

import (
	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// direction is the legacy <in> and <out> filters of Synapse's main
// sequence: the children run only when the message flows that way (the
// request path for <in>, the response path for <out>). Otherwise the
// filter lets the flow continue, as Synapse's InMediator/OutMediator do.
type direction struct {
	dir  mediation.Direction
	list mediation.List
}

func init() {
	mediation.Register("in", directionFactory(mediation.In))
	mediation.Register("out", directionFactory(mediation.Out))
}

// Mediate implements mediation.Mediator.
func (d *direction) Mediate(mc *mediation.MessageContext) (bool, error) {
	if mc.Dir != d.dir {
		return true, nil
	}
	return d.list.Mediate(mc)
}

func directionFactory(dir mediation.Direction) mediation.Factory {
	return func(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
		l, err := c.List(el)
		if err != nil {
			return nil, err
		}
		return &direction{dir: dir, list: l}, nil
	}
}
