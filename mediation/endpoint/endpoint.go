// Package endpoint compiles Synapse <endpoint> definitions (address, http
// with uri-template, default, loadbalance, failover, and key references)
// into mediation.Endpoints, and runs them: fasthttp HostClients shared per
// target host, per-endpoint timeouts, and Synapse's suspension state
// machine (suspendOnFailure / markForSuspension) with its error codes.
//
// Everything is parsed at deploy time; Send only evaluates properties and
// calls the backend.
package endpoint

import (
	"strings"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

// node is an endpoint inside a group: the group asks whether it can take a
// message before sending to it.
type node interface {
	mediation.Endpoint
	ready() bool
}

// leaf kinds.
const (
	kindAddress = "address"
	kindHTTP    = "http"
	kindDefault = "default"
)

// Leaf is an address, http or default endpoint: one target at a time, with
// its own timeout and suspension state.
type Leaf struct {
	name    string
	kind    string
	static  *target      // address, or http without variables
	tmpl    *uriTemplate // http with variables
	props   map[string]string
	method  string // http method= (upper case); "" keeps the message's
	format  string // address/default format=
	exact   bool   // no REST_URL_POSTFIX (Options.Exact)
	timeout time.Duration
	st      *state
}

// Name implements mediation.Endpoint: the name= attribute, or the target.
func (l *Leaf) Name() string {
	switch {
	case l.name != "":
		return l.name
	case l.static != nil:
		return l.static.url
	case l.tmpl != nil:
		return l.tmpl.src
	}
	return l.kind
}

// State is the endpoint's Synapse state: ACTIVE, TIMEOUT or SUSPENDED.
func (l *Leaf) State() string { return l.st.current() }

func (l *Leaf) ready() bool { return l.st.ready() }

// Send implements mediation.Endpoint. A suspended endpoint fails at once
// with 303001, as Synapse's "Currently, Address endpoint: ..." does.
func (l *Leaf) Send(mc *mediation.MessageContext, req *fasthttp.Request, resp *fasthttp.Response) error {
	if !l.st.ready() {
		return errorf(CodeAddressNoneReady, l.Name(), "endpoint is %s; not sending", l.st.current())
	}
	if l.method == "" && l.format != "get" && !validMethod(req.Header.Method()) {
		// the message's doing (HTTP_METHOD from a client header), not the
		// endpoint's: refused before anything is sent, its health untouched
		return errorf(CodeSendFailed, l.Name(), "the method is not an HTTP token; not sending")
	}
	err := l.send(mc, req, resp)
	if mc.Backend != nil {
		return err // a dry-run's stub answer says nothing of the endpoint's health
	}
	if err != nil {
		l.st.fault(Code(err))
		return err
	}
	l.st.success()
	return nil
}

func (l *Leaf) send(mc *mediation.MessageContext, req *fasthttp.Request, resp *fasthttp.Response) error {
	t, err := l.resolve(mc)
	if err != nil {
		return err
	}
	var buf [256]byte
	// Every kind appends REST_URL_POSTFIX (unless compiled Exact): address
	// and default as Synapse's transport does, http too, as API-M documents
	// and its generated <http> endpoints rely on.
	req.SetRequestURIBytes(t.requestURI(buf[:0], mc.RESTURLPostfix(), !l.exact))
	req.Header.SetHost(t.host)
	l.shape(req)
	applySOAPAction(mc, req)
	StripRequestHop(&req.Header)
	setForwarded(mc, req)
	// last: the transport switches (NO_KEEPALIVE, REQUEST_HOST_HEADER,
	// FORCE_HTTP_1.0) override what the strip and SetHost just did
	mc.ShapeBackendRequest(req)
	pool := poolOf(mc)
	client := pool.client(t)
	timeout := l.timeout
	if timeout <= 0 {
		timeout = pool.timeout()
	}
	timeout, ok := mc.TimeLeft(timeout) // a scatter branch gives up with its aggregate
	if !ok {
		return errorf(CodeTimeout, l.Name(), "the scatter-gather deadline passed before the call")
	}
	// The client's request may have come over TLS (scheme https) and the
	// backend may not, or the other way round: the scheme must be the
	// target's. URI() parses the Host header, so this comes after every
	// change to it.
	if t.tls {
		req.URI().SetScheme("https")
	} else {
		req.URI().SetScheme("http")
	}
	if mc.Backend != nil { // an admin dry-run: a stub answers, or records the real call
		err = mc.Backend.RoundTrip(mc, req, resp, client, timeout)
	} else {
		err = client.DoTimeout(req, resp, timeout)
	}
	if err != nil {
		return failure(l.Name(), err)
	}
	StripResponseHop(&resp.Header)
	return nil
}

// resolve returns the target of this call: fixed, expanded from the
// uri-template, or the To address.
func (l *Leaf) resolve(mc *mediation.MessageContext) (*target, error) {
	switch {
	case l.static != nil:
		return l.static, nil
	case l.tmpl != nil:
		u := l.tmpl.expand(mc, l.props)
		t, err := parseTarget(u)
		if err != nil {
			return nil, &Error{Code: CodeSendFailed, Endpoint: l.Name(), Msg: "bad expanded uri-template", Err: err}
		}
		return t, nil
	}
	to, _ := mc.Props.Get("To")
	if to == "" {
		return nil, errorf(CodeSendFailed, l.Name(), "no To address to send to")
	}
	t, err := parseTarget(to)
	if err != nil {
		return nil, &Error{Code: CodeSendFailed, Endpoint: l.Name(), Msg: "bad To address", Err: err}
	}
	return t, nil
}

// shape applies method= and format=: GET (format="get" or a body-less
// method) sends no body; soap11/soap12/pox set the Content-Type the
// formatter would pick. Payloads are not converted here.
func (l *Leaf) shape(req *fasthttp.Request) {
	method := l.method
	switch l.format {
	case "get":
		method = fasthttp.MethodGet
	case "soap11":
		req.Header.SetContentType("text/xml; charset=UTF-8")
	case "soap12":
		req.Header.SetContentType("application/soap+xml; charset=UTF-8")
	case "pox":
		req.Header.SetContentType("application/xml")
	}
	if method == "" {
		return
	}
	req.Header.SetMethod(method)
	switch method {
	case fasthttp.MethodGet, fasthttp.MethodHead, fasthttp.MethodDelete, fasthttp.MethodOptions:
		// fasthttp would still write the parsed Content-Length (and a
		// default Content-Type) for a body-less method: drop both.
		req.ResetBody()
		req.Header.Del("Content-Type")
		req.Header.Del("Content-Length")
		req.Header.SetNoDefaultContentType(true)
	}
}

// Group is a loadbalance (round-robin) or failover endpoint.
type Group struct {
	name     string
	children []node
	lb       bool // loadbalance: start at the next child in turn
	failover bool // on a child's failure, try the next ready one
	next     atomicCounter
}

// Name implements mediation.Endpoint.
func (g *Group) Name() string {
	if g.name != "" {
		return g.name
	}
	if g.lb {
		return "loadbalance"
	}
	return "failover"
}

func (g *Group) ready() bool {
	for _, c := range g.children {
		if c.ready() {
			return true
		}
	}
	return false
}

// Send implements mediation.Endpoint: children are tried in order (from
// the round-robin position for loadbalance), skipping suspended ones; with
// failover a failed child hands the message to the next. When no child
// can take it the error is 303000, wrapping the last child's error.
func (g *Group) Send(mc *mediation.MessageContext, req *fasthttp.Request, resp *fasthttp.Response) error {
	n := len(g.children)
	start := 0
	if g.lb && mc.DryRun() {
		start = int(g.next.peek() % uint32(n)) // a dry-run does not move real traffic's turn
	} else if g.lb {
		start = int(g.next.add() % uint32(n))
	}
	var last error
	for i := range n {
		c := g.children[(start+i)%n]
		if !c.ready() {
			continue
		}
		err := c.Send(mc, req, resp)
		if err == nil {
			return nil
		}
		last = err
		if !g.failover {
			return err
		}
	}
	msg := "no child endpoint is ready"
	if last != nil {
		msg = "every child endpoint failed"
	}
	return &Error{Code: CodeGroupNoneReady, Endpoint: g.Name(), Msg: msg, Err: last}
}

// Ref is <endpoint key="name"/>: resolved per request against the tenant's
// deployed endpoints (mc.Endpoints), so a hot-deployed target is picked up
// without recompiling the sequence.
type Ref struct{ key string }

// Name implements mediation.Endpoint.
func (r *Ref) Name() string { return r.key }

func (r *Ref) ready() bool { return true }

// Send implements mediation.Endpoint.
func (r *Ref) Send(mc *mediation.MessageContext, req *fasthttp.Request, resp *fasthttp.Response) error {
	var ep mediation.Endpoint
	if mc.Endpoints != nil {
		ep = mc.Endpoints.Endpoint(r.key)
	}
	if ep == nil {
		return errorf(CodeKeyNotFound, r.key, "Couldn't find the endpoint with the key : %s", r.key)
	}
	return ep.Send(mc, req, resp)
}

// Key returns the referenced name.
func (r *Ref) Key() string { return r.key }

func upper(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// atomicCounter is the round-robin position of a loadbalance group.
type atomicCounter struct{ n atomic.Uint32 }

func (c *atomicCounter) add() uint32 { return c.n.Add(1) - 1 }

func (c *atomicCounter) peek() uint32 { return c.n.Load() }

// ToAddress is the implicit endpoint of <send/> and <call/> without an
// <endpoint>: Synapse's default endpoint, which sends to the To address
// (plus REST_URL_POSTFIX, as the transport appends it). It is shared by
// every To address, so it never suspends.
var ToAddress mediation.Endpoint = &Leaf{kind: kindDefault, st: newState(&NoSuspension, nil)}
