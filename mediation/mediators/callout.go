package mediators

import (
	"github.com/beevik/etree"

	"github.com/seqgate/seqgate/mediation"
)

// callout is the old blocking <callout serviceURL=...> with XPath <source>
// and <target>. It is refused at deploy time: its source/target select
// parts of a SOAP envelope, and <call blocking="true"> with an <endpoint>
// does the same job on the whole message.
func init() { mediation.Register("callout", newCallout) }

func newCallout(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	return nil, c.Errorf(el, "unsupported mediator: use <call blocking=\"true\"> with an <endpoint> instead")
}
