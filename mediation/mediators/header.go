package mediators

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// header is <header>: set or remove a header of the current message. With
// scope="transport" that is an HTTP header. With the default scope it is a
// SOAP header; we model only the WS-Addressing ones (To, From, Action,
// FaultTo, ReplyTo, RelatesTo), kept as default-scope properties of the same
// name: <header name="To" action="remove"/> is the API-M idiom that makes a
// later send answer the client, and send reads "To" from there.
type header struct {
	name      string
	transport bool
	remove    bool
	val       valueOrExpr
}

func init() { mediation.Register("header", newHeader) }

// Mediate implements mediation.Mediator.
func (h *header) Mediate(mc *mediation.MessageContext) (bool, error) {
	if h.remove {
		if h.transport {
			mc.DelHeader(h.name)
		} else {
			mc.Props.Del(h.name)
		}
		return true, nil
	}
	v, err := h.val.eval(mc)
	if err != nil {
		return false, fmt.Errorf("header %q: %w", h.name, err)
	}
	if h.transport {
		mc.SetHeader(h.name, v)
	} else {
		mc.Props.Set(h.name, v)
	}
	return true, nil
}

// addressingHeaders are the unqualified names Synapse accepts in the default
// scope.
var addressingHeaders = map[string]bool{
	"To": true, "From": true, "Action": true, "FaultTo": true, "ReplyTo": true, "RelatesTo": true,
}

func newHeader(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	name, _ := mediation.Attr(el, "name")
	if strings.TrimSpace(name) == "" {
		return nil, c.Errorf(el, "name attribute is required")
	}
	h := &header{name: name}
	switch scope, _ := mediation.Attr(el, "scope"); scope {
	case "transport":
		h.transport = true
	case "", "default":
		if err := checkSOAPHeader(el, c, name); err != nil {
			return nil, err
		}
	default:
		return nil, c.Errorf(el, "invalid scope %q; want default or transport", scope)
	}
	switch action, _ := mediation.Attr(el, "action"); action {
	case "", "set":
	case "remove":
		h.remove = true
		return h, nil
	default:
		return nil, c.Errorf(el, "invalid action %q; want set or remove", action)
	}
	v, ok, err := compileValueOrExpr(el, c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, c.Errorf(el, "either value or expression is required")
	}
	h.val = v
	return h, nil
}

// checkSOAPHeader accepts the WS-Addressing names only: we have no SOAP
// header model yet, so a qualified header block is refused at deploy time
// rather than silently ignored.
func checkSOAPHeader(el *etree.Element, c *mediation.Compiler, name string) error {
	switch {
	case len(el.ChildElements()) > 0 || strings.Contains(name, ":"):
		return c.Errorf(el, "SOAP header blocks are not supported")
	case !addressingHeaders[name]:
		return c.Errorf(el, "all SOAP headers must be namespace qualified (or use scope=\"transport\" for an HTTP header)")
	}
	return nil
}
