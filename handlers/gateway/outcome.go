package gateway

import (
	"errors"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/mediation"
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
	}
	if !mc.NoEntityBody() {
		resp.SetBody(req.Body())
	}
}

// drop answers 202 Accepted with no body (the MI-documented result of <drop/>).
func drop(mc *mediation.MessageContext) {
	mc.Resp.Reset()
	mc.Resp.SetStatusCode(fasthttp.StatusAccepted)
}

func (g *Gateway) routeError(ex *handlers.Exchange, status int) {
	switch status {
	case fasthttp.StatusMethodNotAllowed:
		handlers.WriteError(ex.MC, status, "405", "Method not allowed",
			"the method "+string(ex.MC.Req.Header.Method())+" is not allowed for the requested resource")
		return
	case fasthttp.StatusBadRequest:
		handlers.WriteError(ex.MC, status, "400", "Bad request",
			"the path has a '.' or '..' segment, which is never routed")
		return
	}
	handlers.WriteError(ex.MC, fasthttp.StatusNotFound, "404", "No matching resource found",
		"no API or resource matches "+string(ex.MC.Req.URI().Path()))
}

// backendError maps a failed backend call to 504 (timeout) or 502.
func (g *Gateway) backendError(ex *handlers.Exchange, err error) {
	status, code, msg := fasthttp.StatusBadGateway, "101503", "Error connecting to the back end"
	if errors.Is(err, fasthttp.ErrTimeout) || errors.Is(err, fasthttp.ErrDialTimeout) {
		status, code, msg = fasthttp.StatusGatewayTimeout, "101504", "Connection timed out"
	}
	g.opts.Logger.Warn("backend call failed", zap.String("tenant", ex.Match.Tenant.Domain),
		zap.String("api", ex.Match.API.Name), zap.Error(err))
	handlers.WriteError(ex.MC, status, code, msg, err.Error())
}
