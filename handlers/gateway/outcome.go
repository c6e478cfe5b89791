package gateway

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/endpoint"
)

// requestToResponse turns the current request message into the response, as
// Synapse's respond and loopback do: the payload, its Content-Type, the
// headers mediators set, and the status from HTTP_SC (200 by default).
func requestToResponse(mc *mediation.MessageContext) {
	req, resp := mc.Req, mc.Resp
	status := fasthttp.StatusOK
	if mc.StatusSet() {
		status = resp.StatusCode()
	}
	resp.Reset()
	resp.SetStatusCode(status)
	for _, h := range mc.RequestHeadersSet() {
		if v := req.Header.Peek(h); v != nil {
			resp.Header.SetBytesV(h, v)
		}
	}
	if ct := req.Header.ContentType(); len(ct) > 0 {
		resp.Header.SetContentTypeBytes(ct)
	} else if ct := payloadLabel(mc); ct != "" {
		resp.Header.SetContentType(ct)
	}
	if !mc.NoEntityBody() {
		resp.SetBody(mc.Body()) // through the gate: loaded and decoded by requestToWire
	}
}

// branchToResponse makes a scatter branch's answer (status, Content-Type,
// body) the response; nil leaves the response as it is.
func branchToResponse(mc, b *mediation.MessageContext) {
	if b == nil {
		return
	}
	status := fasthttp.StatusOK
	if sc, ok := b.Property(mediation.ScopeAxis2, "HTTP_SC"); ok {
		if n, err := strconv.Atoi(sc); err == nil && n >= 100 && n <= 599 {
			status = n
		}
	}
	mc.Resp.SetStatusCode(status)
	if ct := b.ContentType(); ct != "" {
		mc.Resp.Header.SetContentType(ct)
	}
	mc.Resp.SetBody(b.Body())
}

// payloadLabel is the Content-Type of a payload that lost its label:
// API-M's error sequences remove the axis2 ContentType after building their
// payload, and Axis2's formatter then labels it from the message type. The
// format is read from the payload, as Axis2 would have recorded it.
func payloadLabel(mc *mediation.MessageContext) string {
	switch mc.BodyFormat() {
	case mediation.FormatJSON:
		return "application/json"
	case mediation.FormatXML:
		return "application/xml"
	case mediation.FormatSOAP11:
		return "text/xml"
	case mediation.FormatSOAP12:
		return "application/soap+xml"
	}
	return ""
}

// drop answers 202 Accepted with no body (the MI-documented result of <drop/>).
func drop(mc *mediation.MessageContext) {
	mc.Resp.Reset()
	mc.Resp.SetStatusCode(fasthttp.StatusAccepted)
}

// routeError answers a request the router could not place. A path the
// router refuses (a dot segment, or after the API context an empty segment
// or a ';' parameter) is answered 400 outright. Otherwise the tenant's
// _resource_mismatch_handler_ (the API matched: 404 or 405) or main (no API
// matched) answers when deployed, as on API-M; else the JSON error.
func (g *Gateway) routeError(ex *handlers.Exchange, status int) {
	if status != fasthttp.StatusBadRequest && ex.Match.Tenant != nil {
		g.prepareRouteFault(ex)
		if handlers.RouteFault(ex, status) {
			g.respondNow(ex)
			return
		}
	}
	switch status {
	case fasthttp.StatusMethodNotAllowed:
		handlers.WriteError(ex.MC, status, "405", "Method not allowed",
			"the method "+string(ex.MC.Req.Header.Method())+" is not allowed for the requested resource")
		return
	case fasthttp.StatusBadRequest:
		why := ex.Match.BadPath
		if why == "" {
			why = route.WhyDotSegment
		}
		handlers.WriteError(ex.MC, status, "400", "Bad request", why)
		return
	}
	handlers.WriteError(ex.MC, fasthttp.StatusNotFound, "404", "No matching resource found",
		"no API or resource matches "+string(ex.MC.Req.URI().Path()))
}

// prepareRouteFault gives an unrouted request what its error sequence
// reads: the tenant's snapshot and the REST properties Synapse sets before
// dispatch. REST_URL_POSTFIX is the path after the API's context and
// version when an API matched (Synapse's, so /ctx/1.0/x gives /x), else
// the whole path without its leading slash (main.xml writes "/" + it).
func (g *Gateway) prepareRouteFault(ex *handlers.Exchange) {
	mc, m := ex.MC, &ex.Match
	ex.Seqs = g.opts.Repo.Set(m.Tenant.Domain)
	mc.Sequences = ex.Seqs
	mc.Endpoints = g.opts.Repo.Endpoints(m.Tenant.Domain)
	mc.Registry = g.opts.Repo.Resources(m.Tenant.Domain)
	mc.TenantDomain = m.Tenant.Domain
	uri := string(mc.Req.RequestURI())
	p := &mc.Props
	p.Set(route.PropTenantDomain, m.Tenant.Domain)
	p.Set(route.PropMethod, route.MethodString(mc.Req.Header.Method()))
	p.Set(route.PropFullPath, uri)
	mc.SetProperty(mediation.ScopeAxis2, "TransportInURL", uri)
	postfix := strings.TrimPrefix(uri, "/")
	if api := m.API; api != nil {
		p.Set(route.PropAPI, api.Name)
		p.Set(route.PropAPIVersion, api.Cfg.Version)
		p.Set(route.PropContext, api.Context)
		postfix = strings.TrimPrefix(uri, api.Prefix)
	}
	mc.SetRESTURLPostfix(postfix)
}

// respondNow sends what an error sequence left on the request path: the
// current message (Respond), 202 (Drop), or the JSON error already in
// mc.Resp (Continue).
func (g *Gateway) respondNow(ex *handlers.Exchange) {
	mc := ex.MC
	switch mc.Outcome {
	case mediation.Respond:
		if mc.Dir == mediation.Out {
			g.answer(ex)
			return
		}
		if g.requestToWire(ex) {
			requestToResponse(mc)
			mc.FinishResponse()
		}
	case mediation.Drop:
		drop(mc)
	}
}

var errNoBackend = &endpoint.Error{Code: endpoint.CodeSendFailed, Endpoint: "backend", Msg: "no backend configured"}

// backendError answers a failed endpoint call as Synapse's fault handler
// does: ERROR_CODE is the Synapse code of the failure (101503 connection
// failed, 101504 timeout, 303001 suspended...), ERROR_MESSAGE its Synapse
// text, ERROR_DETAIL the error; then the API's --Fault or the tenant's
// fault sequence answers, or the JSON error: 504 for a timeout, 503 when
// every endpoint is suspended, 502 otherwise, unless the sequence sets
// HTTP_SC. A 5xx answer from the backend is no failure: it goes through
// the response path like any answer, as on API-M.
func (g *Gateway) backendError(ex *handlers.Exchange, err error) {
	mc := ex.MC
	f := backendFault(err)
	g.opts.Logger.Warn("backend call failed", zap.String("tenant", ex.Match.Tenant.Domain),
		zap.String("api", ex.Match.API.Name), zap.String("error_code", f.Code), zap.Error(err))
	mc.Resp.Reset() // nothing of a half-read answer reaches the client
	mc.Dir = mediation.In
	f.SetErrorProps(mc)
	handlers.HandleFault(ex, f)
	g.respondNow(ex)
}

// backendFault maps an endpoint error to its status and Synapse message.
func backendFault(err error) handlers.Fault {
	f := handlers.Fault{Status: fasthttp.StatusBadGateway, Message: "Error connecting to the back end", Detail: err.Error()}
	code := endpoint.Code(err)
	switch code {
	case endpoint.CodeTimeout:
		f.Status, f.Message = fasthttp.StatusGatewayTimeout, "Send timeout"
	case endpoint.CodeAddressNoneReady, endpoint.CodeGroupNoneReady:
		f.Status, f.Message = fasthttp.StatusServiceUnavailable, "Endpoint unavailable"
	case endpoint.CodeConnectionClosed:
		f.Message = "Connection closed"
	case endpoint.CodeKeyNotFound: // Synapse's own text names the key
		var e *endpoint.Error
		if errors.As(err, &e) {
			f.Message = e.Msg
		}
	case 0:
		code = endpoint.CodeSendFailed
	default:
		if code >= 500 && code <= 599 { // fault_on_5xx: the backend's own status
			f.Status, f.Message = code, "Backend error"
		}
	}
	f.Public = publicBackendText(code, err)
	f.Code = strconv.Itoa(code)
	return f
}

// publicBackendText is what a client may read about a failed backend call
// in the default answer: the failure's kind, from a fixed list. The error
// itself names the endpoint (an anonymous one by its URL, query tokens
// included) and the dial error; a fault_on_5xx error holds the backend's
// body: those stay in the log and ERROR_DETAIL.
func publicBackendText(code int, err error) string {
	var e *endpoint.Error
	if !errors.As(err, &e) {
		return ""
	}
	switch code {
	case endpoint.CodeTimeout, endpoint.CodeConnectFailed, endpoint.CodeConnectionClosed:
		return "backend " + e.Msg
	case endpoint.CodeReceiveFailed:
		if e.Msg == "response too large" {
			return "backend response too large (limits.max_response_body_bytes)"
		}
	case endpoint.CodeAddressNoneReady, endpoint.CodeGroupNoneReady:
		return "backend suspended after failures"
	}
	return ""
}

// statusError makes a backend's 5xx answer a failure, for APIs with
// fault_on_5xx: its status and the start of its body become the fault.
func statusError(resp *fasthttp.Response) error {
	var body []byte
	if s := resp.BodyStream(); s != nil { // a streamed answer: read its start only
		var buf [256]byte
		n, _ := io.ReadFull(s, buf[:])
		body = buf[:n]
	} else {
		body = resp.Body()
	}
	if len(body) > 256 {
		body = body[:256]
	}
	return &endpoint.Error{Code: resp.StatusCode(), Msg: "backend answered " + strconv.Itoa(resp.StatusCode()) + ": " + string(body)}
}
