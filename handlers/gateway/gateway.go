// Package gateway is the traffic listener: a fasthttp.RequestHandler that
// routes a request, runs the handler chain on the request path, calls the
// API's backend, runs the chain on the response path and answers. It works
// on fasthttp's request and response in place: the request that reaches the
// backend is the client's, rewritten; the response the client gets is the
// backend's, mediated.
package gateway

import (
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/accesslog"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/handlers/tracing"
	"github.com/seqgate/seqgate/mediation"
)

// Options wires a Gateway.
type Options struct {
	Router *route.Router
	Repo   *deploy.Repository
	Chain  []handlers.Handler
	// APIChains are the chains of the APIs that bring their own (API-M
	// api files: handlers.FileChain); other APIs run Chain.
	APIChains map[*route.API][]handlers.Handler
	Backends  *Backends
	Limits    mediation.Limits
	Logger    *zap.Logger
	// Tracer starts each request's server span; nil when tracing is off,
	// which then costs one nil check per request.
	Tracer trace.Tracer
	// Debug traces single requests for the admin tooling (debug.go); nil:
	// one nil check per request.
	Debug Debug
	// CORS routes preflights by the method they ask about; nil when no
	// API has CORS on (it is also first in Chain then).
	CORS *handlers.CORS
	// Forwarding: loop limit and trusted proxies (forward.go).
	Forwarding Forwarding
	// Budget bounds the body bytes buffered across all requests
	// (limits.max_buffered_bytes); nil: no bound.
	Budget *mediation.Budget
	// AccessLog gets a line per request (access.go); nil: off, one nil
	// check per request.
	AccessLog *accesslog.Log
	// AltChain is Chain with the extension handler at the other end, for
	// the tenants whose tenant-conf.json sets the ExtensionHandlerPosition
	// that is not Position (the config's); nil: every tenant uses Chain.
	AltChain []handlers.Handler
	Position string
}

// Gateway serves traffic. Build it once; Handle is safe for concurrent use.
type Gateway struct {
	opts       Options
	completers []handlers.Completer
	pool       sync.Pool
}

// New builds a Gateway.
func New(opts Options) *Gateway {
	g := &Gateway{opts: opts}
	for _, h := range opts.Chain {
		if c, ok := h.(handlers.Completer); ok {
			g.completers = append(g.completers, c)
		}
	}
	g.pool.New = func() any { return &handlers.Exchange{MC: &mediation.MessageContext{}} }
	return g
}

// Handle is the fasthttp request handler.
func (g *Gateway) Handle(ctx *fasthttp.RequestCtx) {
	ex := g.pool.Get().(*handlers.Exchange)
	defer g.pool.Put(ex)
	defer g.recoverPanic(ctx, ex)
	mc := ex.MC
	mc.Reset(&ctx.Request, &ctx.Response)
	*ex = handlers.Exchange{MC: mc, Match: ex.Match}
	ex.Timing.Start = time.Now()
	ex.ClientIP = clientIP(ctx)
	mc.RemoteIP = ex.ClientIP
	g.opts.Forwarding.receive(ctx, mc)
	if g.opts.Backends != nil {
		mc.Clients = g.opts.Backends.pool
	}
	mc.Logger = g.opts.Logger
	mc.Limits = g.opts.Limits
	mc.Budget = g.opts.Budget
	defer mc.ReleaseBody()    // the request's share of the buffer budget
	defer mc.ReleaseScatter() // branch contexts no aggregate took
	if g.opts.Debug != nil {
		g.opts.Debug.Begin(ctx, mc)
	}
	var access *accesslog.Entry
	if g.opts.AccessLog != nil {
		access = g.beginAccess(ctx, ex)
	}

	// The router decodes template variables itself and refuses dot
	// segments, so it gets the path as the client sent it: ctx.Path() is
	// already decoded and normalised (%2541 would become A, not %41).
	st := g.opts.Router.Match(ctx.Method(), ctx.Request.URI().PathOriginal(), &ex.Match)
	if st == route.StatusMethodNotAllowed && g.opts.CORS != nil {
		if m := g.opts.CORS.PreflightMethod(ex.Match.API, &ctx.Request.Header); m != nil {
			st = g.opts.Router.Match(m, ctx.Request.URI().PathOriginal(), &ex.Match)
		}
	}
	if a := ex.Match.API; st == 0 && a.Cfg.File != nil && a.Cfg.File.HTTPSOnly() && !ctx.IsTLS() {
		// an API-M api file with transports="https": Synapse does not
		// select it for a plain HTTP request, so no API matches
		ex.Match.API, ex.Match.Resource, st = nil, nil, route.StatusNotFound
	}
	if g.opts.Tracer != nil {
		ex.Span = tracing.StartRequest(g.opts.Tracer, &ctx.Request.Header, spanRequest(ctx, ex, st))
	}
	if st != 0 {
		g.routeError(ex, st)
	} else if mc.Hop.Count > g.opts.Forwarding.maxHops() {
		loopError(mc, g.opts.Forwarding.maxHops())
	} else {
		ex.Seqs = g.opts.Repo.Set(ex.Match.Tenant.Domain)
		mc.Sequences = ex.Seqs
		mc.Endpoints = g.opts.Repo.Endpoints(ex.Match.Tenant.Domain)
		mc.Registry = g.opts.Repo.Resources(ex.Match.Tenant.Domain)
		mc.TenantDomain = ex.Match.Tenant.Domain
		route.SetProperties(mc, &ex.Match, ctx.Method(), ctx.RequestURI(), ctx.QueryArgs())
		if r := ex.Match.Resource; r != nil && r.MTLS {
			clientCert(ctx, ex)
		}
		g.serve(ex)
	}
	for _, c := range g.completers { // every request is counted, routed or not
		c.Complete(ex)
	}
	if access != nil {
		g.endAccess(ctx, ex, access)
	}
	mc.HoldAnswerBudget(holdMin) // a buffered answer keeps its budget share until written (stream.go)
	if ex.Span != nil {
		tracing.EndRequest(ex.Span, ctx.Response.StatusCode())
	}
	if mc.Trace != nil && g.opts.Debug != nil {
		g.opts.Debug.End(ctx, mc)
	}
}

// serve runs the request chain, the backend and the response chain.
func (g *Gateway) serve(ex *handlers.Exchange) {
	mc := ex.MC
	mc.Dir = mediation.In
	var to mediation.Endpoint // nil: the API's backend
	chain := g.chainFor(ex)
	if !handlers.RunRequest(chain, ex) {
		switch mc.Outcome {
		case mediation.Respond:
			if g.requestToWire(ex) {
				requestToResponse(mc)
				mc.FinishResponse()
			}
			return
		case mediation.Drop:
			drop(mc)
			return
		case mediation.Loopback:
			if !g.requestToWire(ex) {
				return
			}
			requestToResponse(mc)
		case mediation.Send: // <send> with an endpoint or a To address
			to = mc.SendTo
		default:
			return // a handler wrote the response (401, 429, fault...)
		}
	} else if mc.ParentStopped() {
		// A clone or iterate without continueParent left results for an
		// aggregate: the original message stops there as in Synapse, and
		// the response path (where the aggregate is) runs without a
		// backend call, on the first branch's answer
		// (mediation/mediators/scatter.go).
		if !g.requestToWire(ex) {
			return
		}
		requestToResponse(mc)
		branchToResponse(mc, mc.FirstArrival())
		mc.Outcome = mediation.Loopback
	}
	if mc.Outcome != mediation.Loopback && !g.callBackend(ex, to) {
		return
	}
	mc.Dir = mediation.Out
	mc.Outcome = mediation.Continue
	mc.InvalidatePayload()
	if handlers.RunResponse(chain, ex) || mc.Outcome == mediation.Respond {
		g.answer(ex)
	} else if mc.Outcome == mediation.Drop {
		drop(mc)
	}
}

// chainFor is the request's handler chain: an api file's own (APIChains),
// else the tenant's: Chain, or AltChain when the tenant's tenant-conf.json
// puts the extension handler at the other end (map lookups and an atomic
// load per request).
func (g *Gateway) chainFor(ex *handlers.Exchange) []handlers.Handler {
	if c, ok := g.opts.APIChains[ex.Match.API]; ok {
		return c // an api file's own <handlers> list: API-M wrote the tenant's position into it
	}
	if g.opts.AltChain == nil || g.opts.Repo == nil {
		return g.opts.Chain
	}
	if pos := g.opts.Repo.ExtensionHandlerPosition(ex.Match.Tenant.Domain); pos != "" && pos != g.opts.Position {
		return g.opts.AltChain
	}
	return g.opts.Chain
}

// callBackend sends the (mediated) request to ep, or to the API's backend
// when ep is nil, and leaves its answer in mc.Resp. On failure it writes a
// gateway error and returns false.
func (g *Gateway) callBackend(ex *handlers.Exchange, ep mediation.Endpoint) bool {
	mc := ex.MC
	if ep == nil {
		sandbox := handlers.IsSandbox(ex)
		var missing bool
		if ep, missing = g.opts.Backends.ForKeyType(ex.Match.API, sandbox); missing {
			handlers.KeyTypeError(ex, sandbox)
			g.respondNow(ex)
			return false
		}
	}
	if !g.toWire(ex) {
		return false
	}
	if ex.Span != nil {
		tracing.Inject(ex.Span, &mc.Req.Header)
	}
	lim := limitRequestStream(mc) // stream.go
	if lim != nil && lim.err != nil && clientFault(mc, lim) {
		return false // a small body the client did not send: the backend is not called
	}
	mc.Resp.StreamBody = streamResponse(ex)
	start := time.Now()
	var err error
	if ep == nil {
		err = errNoBackend
	} else if err = ep.Send(mc, mc.Req, mc.Resp); err == nil {
		err = settleAnswer(mc, ep.Name())
	}
	ex.Timing.Backend = time.Since(start)
	if clientFault(mc, lim) || budgetFault(mc, err) {
		return false
	}
	if err == nil && ex.Match.API.Cfg.FaultOn5xx && mc.Resp.StatusCode() >= 500 {
		err = statusError(mc.Resp)
	}
	if err != nil {
		g.backendError(ex, err)
		return false
	}
	return true
}

// spanRequest names a request for its span: the route is the API's prefix
// and the resource's template, never the raw path.
func spanRequest(ctx *fasthttp.RequestCtx, ex *handlers.Exchange, st int) tracing.Request {
	r := tracing.Request{Method: route.MethodString(ctx.Method())}
	if m := &ex.Match; st == 0 && m.API != nil && m.Resource != nil {
		r.Route, r.Tenant, r.API = m.API.Prefix+m.Resource.Template, m.Tenant.Domain, m.API.Name
	}
	return r
}

// clientIP is the peer's address as a value: no string is built unless a
// handler needs one.
func clientIP(ctx *fasthttp.RequestCtx) netip.Addr {
	if a, ok := ctx.RemoteAddr().(*net.TCPAddr); ok {
		return a.AddrPort().Addr().Unmap()
	}
	return netip.Addr{}
}

// recoverPanic is the last resort: a panic anywhere on the request path
// answers 500 and is logged; the pooled exchange is replaced, since its
// state is unknown.
func (g *Gateway) recoverPanic(ctx *fasthttp.RequestCtx, ex *handlers.Exchange) {
	r := recover()
	if r == nil {
		return
	}
	g.opts.Logger.Error("panic on the request path", zap.Any("panic", r), zap.Stack("stack"))
	ctx.Response.Reset()
	handlers.WriteErrorResponse(&ctx.Response, fasthttp.StatusInternalServerError, handlers.CodeMediationError,
		"Internal error", "the gateway failed to process the request")
	*ex = handlers.Exchange{MC: &mediation.MessageContext{}}
}
