package gateway

import (
	"strconv"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/handlers"
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

var errNoBackend = &endpoint.Error{Code: endpoint.CodeSendFailed, Endpoint: "backend", Msg: "no backend configured"}

// backendError answers a failed endpoint call: 504 for a timeout (101504),
// 503 when every endpoint is suspended (303000/303001), 502 otherwise
// (101503 connection failed, 101505 closed...). The code in the JSON body
// and in ERROR_CODE is the Synapse code of the failure.
func (g *Gateway) backendError(ex *handlers.Exchange, err error) {
	status, msg := fasthttp.StatusBadGateway, "Error connecting to the back end"
	code := endpoint.Code(err)
	switch code {
	case endpoint.CodeTimeout:
		status, msg = fasthttp.StatusGatewayTimeout, "Connection timed out"
	case endpoint.CodeAddressNoneReady, endpoint.CodeGroupNoneReady:
		status, msg = fasthttp.StatusServiceUnavailable, "Endpoint unavailable"
	case 0:
		code = endpoint.CodeSendFailed
	}
	g.opts.Logger.Warn("backend call failed", zap.String("tenant", ex.Match.Tenant.Domain),
		zap.String("api", ex.Match.API.Name), zap.Int("error_code", code), zap.Error(err))
	handlers.WriteError(ex.MC, status, strconv.Itoa(code), msg, err.Error())
}
