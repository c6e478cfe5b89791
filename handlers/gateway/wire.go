package gateway

import (
	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/handlers"
)

// toWire writes the current message's payload in the type its messageType
// declares (mediation.SerializeForWire: JSON to XML and back, SOAP, form,
// text), where the message leaves the gateway. A payload that cannot be
// converted is its sender's fault: 400 for the client's request, 502 for
// the backend's answer. It returns false when it wrote that error.
func (g *Gateway) toWire(ex *handlers.Exchange) bool {
	mc := ex.MC
	err := mc.SerializeForWire()
	if err == nil {
		return true
	}
	status, code, msg, ok := handlers.PayloadFault(err, mc.Dir)
	if !ok {
		status, code, msg = fasthttp.StatusInternalServerError, handlers.CodeMediationError, "Mediation error"
	}
	g.opts.Logger.Warn("payload conversion failed", zap.String("tenant", mc.TenantDomain), zap.Error(err))
	handlers.WriteError(mc, status, code, msg, err.Error())
	return false
}

// answer finishes the client's response: the payload in its declared type,
// then the transport switches that shape the answer (HTTP_SC_DESC,
// FORCE_SC_ACCEPTED).
func (g *Gateway) answer(ex *handlers.Exchange) {
	if g.toWire(ex) {
		ex.MC.FinishResponse()
	}
}

// requestToWire is toWire for a request about to become the response
// (respond, loopback): its body is loaded through the body gate first
// (read if streamed, decoded if compressed, within the limits), since the
// response carries it without the request's Content-Encoding; a body the
// gate refuses is answered with its error.
func (g *Gateway) requestToWire(ex *handlers.Exchange) bool {
	if !ex.MC.NoEntityBody() {
		_ = ex.MC.LoadBody() // its error is toWire's to answer
	}
	return g.toWire(ex)
}
