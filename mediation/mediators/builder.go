package mediators

import (
	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// builder is <builder>: in Synapse it forces the message to be built with
// the <messageBuilder> classes it lists (API-M's _build_ sequence). Here
// every body is parsed lazily, on first use, by the content type, so the
// mediator is accepted and does nothing. Its children are checked only for
// being <messageBuilder> elements, so a typo does not pass silently.
type builder struct{}

func init() { mediation.Register("builder", newBuilder) }

// Mediate implements mediation.Mediator.
func (builder) Mediate(*mediation.MessageContext) (bool, error) { return true, nil }

func newBuilder(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	for _, ch := range el.ChildElements() {
		if ch.Tag != "messageBuilder" && ch.Tag != "description" {
			return nil, c.Errorf(ch, "unexpected element in <builder>; want <messageBuilder>")
		}
	}
	return builder{}, nil
}
