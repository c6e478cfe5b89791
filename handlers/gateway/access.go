package gateway

import (
	"time"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/accesslog"
	"github.com/seqgate/seqgate/handlers/route"
)

// beginAccess copies what the access log needs from the request as the
// client sent it, before mediation rewrites it (path, user agent, referer,
// body size). The query string stays out: it may carry an API key.
func (g *Gateway) beginAccess(ctx *fasthttp.RequestCtx, ex *handlers.Exchange) *accesslog.Entry {
	h := &ctx.Request.Header
	proto := "HTTP/1.1"
	if !h.IsHTTP11() {
		proto = "HTTP/1.0"
	}
	// A streamed body is not read here (Body would read it all): its
	// Content-Length, -1 when chunked. A buffered one: what arrived.
	in := int64(h.ContentLength())
	if !ctx.Request.IsBodyStream() {
		in = int64(len(ctx.Request.Body()))
	}
	return g.opts.AccessLog.Begin(ex.Timing.Start, ex.ClientIP, route.MethodString(h.Method()), proto,
		ctx.Request.URI().PathOriginal(), h.UserAgent(), h.Referer(), in)
}

// endAccess fills in how the request ended and queues the line.
func (g *Gateway) endAccess(ctx *fasthttp.RequestCtx, ex *handlers.Exchange, e *accesslog.Entry) {
	resp := &ctx.Response
	e.Status = resp.StatusCode()
	if resp.IsBodyStream() {
		e.BytesOut = int64(resp.Header.ContentLength())
		if e.BytesOut < 0 {
			e.BytesOut = -1
		}
	} else {
		e.BytesOut = int64(len(resp.Body()))
	}
	m := &ex.Match
	if m.Tenant != nil {
		e.Tenant = m.Tenant.Domain
	}
	if m.API != nil {
		e.API = m.API.Name
		if m.Resource != nil {
			e.Resource = m.Resource.Template
		}
	}
	e.User = ex.Principal.User
	if e.User == "" && ex.App != nil {
		e.User = ex.App.User
	}
	if id, ok := ex.MC.Props.Get(handlers.PropCorrelationID); ok && id != "" {
		e.SetCorrelationID(id)
	} else if id, ok := ex.MC.Props.Get("MessageID"); ok {
		e.SetCorrelationID(id)
	}
	e.Latency = time.Since(ex.Timing.Start)
	g.opts.AccessLog.End(e)
}
