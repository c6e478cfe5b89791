// Package mediation holds the message model (MessageContext), the Mediator
// interface, the registry of mediator factories keyed by XML element name and
// the expression engines (Synapse XPath, JSONPath, ${...} on expr-lang).
//
// It knows nothing of files, tenants or HTTP servers: a sequence compiled here
// is an immutable tree of Mediators that the request path only evaluates.
package mediation

// Mediator is one compiled mediator. Mediate returns cont=false to stop the
// current flow (respond, drop, loopback, or a filter/switch/sequence whose
// inner list stopped), exactly like Synapse's boolean mediate().
//
// A Mediator must be safe for concurrent use: it is shared by every request
// that runs the sequence it belongs to, so all per-request state lives in the
// MessageContext.
type Mediator interface {
	Mediate(mc *MessageContext) (cont bool, err error)
}

// List runs mediators in order and stops at the first that returns false or
// an error. It is the body of a <sequence>, <then>, <else>, <case>...
type List []Mediator

// Mediate implements Mediator. A traced request (mc.Trace set) takes the
// recording loop; every other request pays one nil check per list.
func (l List) Mediate(mc *MessageContext) (bool, error) {
	if mc.Trace != nil {
		return l.mediateTraced(mc)
	}
	for _, m := range l {
		cont, err := m.Mediate(mc)
		if err != nil || !cont {
			return cont, err
		}
	}
	return true, nil
}

// SequenceLookup finds a deployed sequence of the tenant a request belongs
// to. The sequences package implements it with its immutable Set; the
// <sequence key="..."/> mediator and onError use it at request time, so a
// reference always resolves against the snapshot the request started with.
type SequenceLookup interface {
	Sequence(name string) Mediator
}
