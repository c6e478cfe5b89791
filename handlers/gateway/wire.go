package gateway

import (
	"errors"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/mediation"
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
	status, code, msg := fasthttp.StatusInternalServerError, handlers.CodeMediationError, "Mediation error"
	detail := err.Error()
	if errors.Is(err, mediation.ErrBadPayload) {
		detail = mediation.PayloadProblem(err)
		status, code, msg = fasthttp.StatusBadRequest, handlers.CodeBadPayload, "Bad request payload"
		if mc.Dir == mediation.Out {
			status, code, msg = fasthttp.StatusBadGateway, handlers.CodeBadBackendPayload, "Bad backend payload"
		}
	}
	g.opts.Logger.Warn("payload conversion failed", zap.String("tenant", mc.TenantDomain), zap.Error(err))
	handlers.WriteError(mc, status, code, msg, detail)
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
