package mediators

import (
	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// Mediators seqgate refuses on purpose. Each is registered so that a
// sequence using it fails at deploy time with the reason and, where there
// is one, the replacement, instead of a bare "unsupported mediator".
// (callout, the old blocking call, belongs with the endpoints.)
var refused = map[string]string{
	"xslt": "xslt is not supported: no XSLT engine is built in; " +
		`transform with payloadFactory or script language="expr"`,
	"store": "unsupported mediator: store (message stores and processors are a message broker " +
		"feature, not an API gateway's)",
}

func init() {
	for name, reason := range refused {
		mediation.Register(name, refuse(reason))
	}
}

func refuse(reason string) mediation.Factory {
	return func(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
		return nil, c.Errorf(el, "%s", reason)
	}
}
