package mediators

import (
	"fmt"

	"github.com/beevik/etree"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/endpoint"
)

// send is <send [receive="seq"]> with an optional <endpoint>. It always
// stops the flow (false), like Synapse's SendMediator:
//
//   - With an endpoint, on the request path: the gateway stops mediating
//     and sends the request to that endpoint instead of the API's backend,
//     then runs the response path as usual (Outcome Send, mc.SendTo).
//   - Without an endpoint, on the response path or when the default-scope
//     RESPONSE property is "true" (the API-M error-sequence idiom:
//     RESPONSE=true, <header name="To" action="remove"/>, <send/>): the
//     current message goes back to the client, as <respond/> does.
//   - Without an endpoint on the request path: to the To address when one
//     is set, else to the API's own backend (Outcome Send).
//
// receive="seq" (service chaining): the endpoint is called at once, its
// answer becomes the current message, which is marked as a response
// (RESPONSE=true) and handed to sequence seq; the client then gets the
// message as seq leaves it (seq usually ends with <send/>), and the Out
// sequences do not run for it. An endpoint on the response path is refused
// at run time: seqgate does not forward responses to a second service.
type send struct {
	ep      mediation.Endpoint
	receive string
}

func init() { mediation.Register("send", newSend) }

// Mediate implements mediation.Mediator.
func (m *send) Mediate(mc *mediation.MessageContext) (bool, error) {
	if m.ep == nil {
		return false, sendImplicit(mc)
	}
	if mc.Dir == mediation.Out {
		return false, fmt.Errorf("send: to endpoint %s on the response path is not supported", m.ep.Name())
	}
	if m.receive != "" {
		return false, m.chain(mc)
	}
	mc.SendTo, mc.Outcome = m.ep, mediation.Send
	return false, nil
}

// sendImplicit is <send/> without an endpoint.
func sendImplicit(mc *mediation.MessageContext) error {
	if resp, _ := mc.Props.Get("RESPONSE"); mc.Dir == mediation.Out || resp == "true" {
		mc.Outcome = mediation.Respond
		return nil
	}
	mc.SendTo, mc.Outcome = nil, mediation.Send
	if to, _ := mc.Props.Get("To"); to != "" {
		mc.SendTo = endpoint.ToAddress
	}
	return nil
}

// chain is send with receive=: call, then the receiving sequence.
func (m *send) chain(mc *mediation.MessageContext) error {
	if err := callEndpoint(mc, m.ep); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	mc.Props.Set("RESPONSE", "true")
	if _, err := runSequence(mc, m.receive); err != nil {
		return fmt.Errorf("send receive=%q: %w", m.receive, err)
	}
	if mc.Outcome == mediation.Continue || mc.Outcome == mediation.Send {
		mc.Outcome = mediation.Respond
	}
	return nil
}

func newSend(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	if _, err := boolAttr(el, c, "buildmessage", false); err != nil {
		return nil, err
	}
	ep, err := compileEndpointChild(el, c)
	if err != nil {
		return nil, err
	}
	s := &send{ep: ep}
	if r, ok := mediation.Attr(el, "receive"); ok {
		if ep == nil || r == "" {
			return nil, c.Errorf(el, "receive needs a non-empty sequence name and an <endpoint>")
		}
		s.receive = r
		c.AddRef(r)
		c.NeedsBody = true
	}
	return s, nil
}
