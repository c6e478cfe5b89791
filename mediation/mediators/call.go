package mediators

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/beevik/etree"
	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/endpoint"
)

// call is <call [blocking="true|false"]> with an optional <endpoint> (none:
// the To address). It sends a copy of the current message to the endpoint
// and waits; the answer replaces the current message's body, Content-Type
// and status (axis2 HTTP_SC), as Synapse's blocking CallMediator replaces
// the envelope, and the flow continues (true). The message's other
// transport headers are kept, so a later backend call still carries them.
//
// Non-blocking call (the default in Synapse) is not usable in API-M custom
// sequences (the docs forbid it: its continuation would resume after the
// handler returned); here blocking="false" behaves as blocking="true".
// Any HTTP answer, 4xx and 5xx included, is a result; a failed call
// (refused, timeout, suspended endpoint) is a mediation error whose
// ErrorCode is the Synapse code (101503, 101504, 303001...).
type call struct {
	ep mediation.Endpoint
}

func init() { mediation.Register("call", newCall) }

// Mediate implements mediation.Mediator.
func (m *call) Mediate(mc *mediation.MessageContext) (bool, error) {
	if err := callEndpoint(mc, m.ep); err != nil {
		return false, fmt.Errorf("call: %w", err)
	}
	return true, nil
}

// callEndpoint sends a copy of the current message to ep (nil: To) and
// puts the answer in its place. The copies are pooled and released here:
// nothing of them outlives the call.
func callEndpoint(mc *mediation.MessageContext, ep mediation.Endpoint) error {
	if ep == nil {
		ep = endpoint.ToAddress
	}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	outgoing(mc, req)
	if err := ep.Send(mc, req, resp); err != nil {
		return err
	}
	replaceMessage(mc, resp)
	return nil
}

// outgoing builds the request to send from the current message: the
// request itself on the request path; on the response path the response's
// headers and payload with the original method.
func outgoing(mc *mediation.MessageContext, req *fasthttp.Request) {
	if mc.Dir == mediation.In {
		mc.Req.CopyTo(req)
		return
	}
	req.Header.SetMethodBytes(mc.Req.Header.Method())
	mc.RangeHeaders(func(k, v []byte) {
		switch string(k) {
		case "Content-Length", "Transfer-Encoding", "Date", "Server", "Connection":
			return
		}
		req.Header.SetBytesKV(k, v)
	})
	req.Header.SetContentType(mc.ContentType())
	req.SetBody(mc.Body())
}

// replaceMessage makes the endpoint's answer the current message.
func replaceMessage(mc *mediation.MessageContext, resp *fasthttp.Response) {
	if ct := resp.Header.ContentType(); len(ct) > 0 {
		mc.SetContentType(string(ct))
	} else {
		mc.RemoveProperty(mediation.ScopeAxis2, "ContentType")
	}
	mc.SetBody(resp.Body())
	mc.SetProperty(mediation.ScopeAxis2, "HTTP_SC", strconv.Itoa(resp.StatusCode()))
}

func newCall(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	if _, err := boolAttr(el, c, "blocking", false); err != nil {
		return nil, err
	}
	ep, err := compileEndpointChild(el, c, "source", "target")
	if err != nil {
		return nil, err
	}
	for _, tag := range []string{"source", "target"} {
		if ch := synapseChild(el, tag); ch != nil {
			if t, _ := mediation.Attr(ch, "type"); t != "body" || len(ch.ChildElements()) > 0 {
				return nil, c.Errorf(ch, "only type=\"body\" is supported (the current message is sent and replaced)")
			}
		}
	}
	c.NeedsBody = true
	return &call{ep: ep}, nil
}

// compileEndpointChild compiles the optional <endpoint> child of a
// mediator; other children must be in allowed (or <description>).
func compileEndpointChild(el *etree.Element, c *mediation.Compiler, allowed ...string) (mediation.Endpoint, error) {
	var ep mediation.Endpoint
	for _, ch := range el.ChildElements() {
		switch {
		case !mediation.IsSynapse(ch) || ch.Tag == "description":
		case ch.Tag == "endpoint" && ep == nil:
			e, err := compileEndpoint(ch, c)
			if err != nil {
				return nil, err
			}
			ep = e
		case containsTag(allowed, ch.Tag):
		default:
			return nil, c.Errorf(ch, "unexpected element in <%s>", el.Tag)
		}
	}
	return ep, nil
}

// compileEndpoint compiles an <endpoint>; <endpoint key="k"/> naming a
// local entry or registry resource compiles that resource's <endpoint> in
// place (deploy time), while a key the snapshot lacks stays a reference to
// a named endpoint of the endpoints folder, resolved per request.
func compileEndpoint(el *etree.Element, c *mediation.Compiler) (mediation.Endpoint, error) {
	key, ok := mediation.Attr(el, "key")
	if !ok || strings.HasPrefix(strings.TrimSpace(key), "{") {
		return endpoint.Compile(el, c)
	}
	res, found, err := c.LookupResource(el, "key", key)
	if err != nil || !found {
		if err != nil {
			return nil, err
		}
		return endpoint.Compile(el, c)
	}
	if res.XML == nil || res.XML.Tag != "endpoint" || !mediation.IsSynapse(res.XML) {
		return nil, c.Errorf(el, "key=%q: the resource (%s) is not an <endpoint>", key, res.File)
	}
	var ep mediation.Endpoint
	err = c.InResource(el, res, func() error {
		var err error
		ep, err = endpoint.Compile(res.XML, c)
		return err
	})
	return ep, err
}

func containsTag(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
