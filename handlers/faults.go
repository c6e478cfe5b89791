package handlers

import (
	"errors"
	"hash/maphash"
	"strconv"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/sequences"
)

// Fault handling, as WSO2 API-M's gateway does it. What runs when:
//
//   - A mediation error (an extension sequence failed and no onError
//     handled it) or a backend failure (connection refused, timeout, every
//     endpoint suspended): ERROR_CODE, ERROR_MESSAGE and ERROR_DETAIL are
//     set, then the API's <api>--Fault sequence runs if deployed, else the
//     tenant's fault sequence (HandleFault).
//   - An auth failure: the properties plus HTTP_RESPONSE_STATUS_CODE, then
//     _auth_failure_handler_ (sendHandlerFault). A throttled request: the
//     same with _throttle_out_handler_.
//   - The API matched but no resource or method did:
//     _resource_mismatch_handler_; no API matched: main (RouteFault).
//
// An error sequence answers the client the way API-M's do: <send/> after
// RESPONSE=true (or <respond/>) sends the current message back; one that
// simply ends has it sent too (API-M's handlers call Utils.sendFault; for
// fault sequences the gateway does it, so the client is never left
// waiting). The status is HTTP_SC when the sequence sets it, else the
// failure's own (500 for mediation, 502/503/504 for the backend, 401, 429,
// 404/405). Without the sequence, or when it fails too, the client gets the
// gateway's JSON error.

// Properties of the API-M error-sequence contract besides ERROR_*.
const (
	// PropHTTPResponseStatus is the status the auth and throttle handlers
	// will answer with; the shipped handlers copy it into HTTP_SC.
	PropHTTPResponseStatus = "HTTP_RESPONSE_STATUS_CODE"
	// PropCustomHTTPSC is the status fault.xml answers with (500 when unset).
	PropCustomHTTPSC = "CUSTOM_HTTP_SC"
	// PropErrorMessageType is the API-M 1.x handlers' way to choose the
	// fault's content type when the client sent no usable Accept header.
	PropErrorMessageType = "error_message_type"
	// PropNextAccessTime is when a throttled client may call again (UTC).
	PropNextAccessTime = "NEXT_ACCESS_UTC_TIME"
)

// Fault is one failure in Synapse's terms. Status is the HTTP status of the
// answer unless the error sequence sets HTTP_SC; Code, Message and Detail
// go into ERROR_CODE, ERROR_MESSAGE and ERROR_DETAIL (SetErrorProps) and
// into the JSON error written when no sequence answers.
type Fault struct {
	Status  int
	Code    string
	Message string
	Detail  string
	// Public is a fixed description a client may see in a 5xx default
	// answer ("backend connection timed out"); empty: a generic one. The
	// correlation id follows either way (PublicDetail).
	Public string
}

// SetErrorProps records f in ERROR_CODE, ERROR_MESSAGE and ERROR_DETAIL.
func (f *Fault) SetErrorProps(mc *mediation.MessageContext) {
	mc.Props.Set(PropErrorCode, f.Code)
	mc.Props.Set(PropErrorMessage, f.Message)
	mc.Props.Set(PropErrorDetail, f.Detail)
}

// writeJSON answers with the gateway's own JSON error; the properties keep
// what the sequences saw. A 5xx answer carries a fixed description and a
// correlation id instead of the detail (PublicDetail).
func (f *Fault) writeJSON(mc *mediation.MessageContext) {
	writeErrorBody(mc, f.Status, f.Code, f.Message, PublicDetail(mc, f.Status, f.Code, f.Detail, f.Public))
	mc.Outcome = mediation.Continue
}

// PropCorrelationID is the property a sequence sets to the request's
// correlation id (the samples' global In sequence does, from the client's
// X-Correlation-ID or the MessageID).
const PropCorrelationID = "correlation_id"

// CorrelationID is the id that ties a gateway error the client got to the
// log line holding its detail: the correlation_id property when a sequence
// set one, else the message's MessageID (made now if no mediator made one;
// the usage event reports the same id).
func CorrelationID(mc *mediation.MessageContext) string {
	if v, ok := mc.Props.Get(PropCorrelationID); ok && v != "" {
		return v
	}
	id, _ := mc.Property(mediation.ScopeDefault, "MessageID")
	return id
}

// PublicDetail is the description a client gets in the gateway's default
// error answer. For a client error (4xx) it is detail, which names the
// client's own mistake. For a 5xx it is a fixed text with the correlation
// id: the detail of a failed sequence or backend call holds internal
// endpoint URLs (with their query tokens), dial errors, sequence names and
// expression sources (issue 13), so it goes to the log (with the id) and
// stays in ERROR_DETAIL and the trace, never to the client. public, when
// not empty, is a fixed text the client may see instead of the generic one.
func PublicDetail(mc *mediation.MessageContext, status int, code, detail, public string) string {
	if status < 500 {
		return detail
	}
	id := CorrelationID(mc)
	if mc.Logger != nil {
		mc.Logger.Warn("error answered", zap.String("correlation_id", id), zap.Int("status", status),
			zap.String("error_code", code), zap.String("detail", detail), zap.String("tenant", mc.TenantDomain))
	}
	if public == "" {
		public = "The gateway could not complete the request"
	}
	return public + "; correlation id " + id
}

// fail handles an error that left a sequence (no onError handled it), as
// Synapse's default fault handler does: the error properties are set (the
// first failure's, if the sequence already set them), then the API's
// <api>--Fault sequence, else the tenant's fault sequence, shapes the
// answer, with status 500 unless it sets HTTP_SC (HandleFault). Without a
// fault sequence, or if it fails too, the client gets a 500 JSON error. A
// payload the sequence could not read is not the gateway's error: 400 when
// the client sent it, 502 when the backend did.
func (e *Extension) fail(ex *Exchange, seqName string, err error) {
	mc := ex.MC
	e.log.Error("mediation failed", zap.String("tenant", ex.tenantDomain()),
		zap.String("api", ex.apiName()), zap.String("sequence", seqName), zap.Error(err))
	if _, set := mc.Props.Get(PropErrorCode); !set {
		mc.Props.Set(PropErrorCode, sequences.DefaultErrorCode)
		mc.Props.Set(PropErrorMessage, err.Error())
		mc.Props.Set(PropErrorDetail, err.Error())
	}
	f := Fault{Status: fasthttp.StatusInternalServerError, Code: CodeMediationError, Message: "Mediation error", Detail: err.Error()}
	if st, code, msg, ok := PayloadFault(err, mc.Dir); ok { // the payload's fault, not the gateway's
		f.Status, f.Code, f.Message = st, code, msg
		if errors.Is(err, mediation.ErrBadPayload) {
			// what is wrong with the payload, not which mediator or expression
			// found it; a backend's bad answer (502) may say so too
			f.Detail = mediation.PayloadProblem(err)
			f.Public = f.Detail
		}
	}
	HandleFault(ex, f)
}

// names names the sequences about to run, for the log of a body refused
// before they ran.
func names(seqs ...*sequences.Sequence) string {
	s := ""
	for _, q := range seqs {
		if q != nil {
			if s != "" {
				s += ", "
			}
			s += q.Name
		}
	}
	return s
}

// HandleFault answers a mediation or backend failure: the onError sequence
// in effect when <send> ran (mc.SendOnError), else the API's --Fault
// sequence, else the tenant's fault sequence, else f as JSON. The ERROR_*
// properties must already be set (a failing sequence sets them; the
// gateway calls SetErrorProps for a backend failure). On return mc.Outcome
// says what the gateway sends: Respond (the current message), Drop, or
// Continue (the JSON error is in mc.Resp).
func HandleFault(ex *Exchange, f Fault) {
	if name := ex.MC.SendOnError; name != "" && ex.Seqs != nil {
		// a failed <send> goes first to the onError of the sequence it ran in
		ex.MC.SendOnError = ""
		if seq := ex.Seqs.Get(name); seq != nil {
			if _, ok := runErrorSequence(ex, seq, f.Status); ok {
				settle(ex.MC)
				return
			}
		}
	}
	if seq := faultSequenceFor(ex); seq != nil {
		if _, ok := runErrorSequence(ex, seq, f.Status); ok {
			settle(ex.MC)
			return
		}
	}
	f.writeJSON(ex.MC)
}

// faultSequenceFor is the API's <api>--Fault, else the tenant's fault
// (PlanFor's fault flow).
func faultSequenceFor(ex *Exchange) *sequences.Sequence {
	// an API-M api file's resource names its own: inline <faultSequence>,
	// else faultSequence="name" when deployed
	if res := ex.Match.Resource; res != nil && res.Cfg != nil && res.Cfg.File != nil {
		if f := res.Cfg.File; f.Fault != nil {
			return f.Fault
		} else if f.FaultKey != "" && ex.Seqs != nil {
			if seq := ex.Seqs.Get(f.FaultKey); seq != nil {
				return seq
			}
		}
	}
	for _, seq := range PlanFor(ex.Match.API, sequences.FlowFault).Resolve(ex.Seqs) {
		if seq != nil {
			return seq
		}
	}
	return nil
}

// sendHandlerFault is the failure path of API-M's APIAuthenticationHandler
// and ThrottleHandler: f goes into ERROR_* and HTTP_RESPONSE_STATUS_CODE,
// then the tenant's error sequence seqName runs. If it returns false it
// answered (send, respond) or dropped; if it returns true the handler sends
// the fault as Utils.sendFault does: the current message with f.Status.
// A sequence that left the payload alone (the API-M 1.x handlers only set
// error_message_type and CORS headers) gets the fault payload the Java
// handler builds, in ns. Without the sequence: the JSON error.
func sendHandlerFault(ex *Exchange, seqName string, f Fault, ns faultNS) {
	mc := ex.MC
	f.SetErrorProps(mc)
	mc.Props.Set(PropHTTPResponseStatus, strconv.Itoa(f.Status))
	seq := ex.Seqs.Get(seqName)
	if seq == nil {
		f.writeJSON(mc)
		return
	}
	before := bodyHash(mc)
	cont, ok := runErrorSequence(ex, seq, f.Status)
	switch {
	case !ok:
		f.writeJSON(mc)
	case !cont:
		settle(mc)
	default:
		if bodyHash(mc) == before {
			setJavaFaultPayload(mc, ns, &f)
		}
		mc.SetProperty(mediation.ScopeAxis2, "HTTP_SC", strconv.Itoa(f.Status))
		mc.Outcome = mediation.Respond
	}
}

// Messages Synapse sets when no resource of a matched API fits.
const (
	msgNoResource  = "No matching resource found for given API Request"
	msgNoMethod    = "Method not allowed for given API resource"
	statusNoMethod = 405
)

// RouteFault answers a request the router could not place with the
// tenant's sequence for it, as Synapse does: _resource_mismatch_handler_
// when the API matched (ERROR_CODE and CUSTOM_HTTP_SC are the status, so
// API-M's handler, which calls fault, answers 404 or 405), main when none
// did. It returns false when the sequence is not deployed or fails; the
// caller then writes its JSON error. The caller sets ex.Seqs and the REST
// properties first.
func RouteFault(ex *Exchange, status int) bool {
	mc := ex.MC
	name := RouteFaultSequence(ex.Match.API != nil)
	if ex.Match.API != nil {
		f := Fault{Status: status, Code: strconv.Itoa(status), Message: msgNoResource}
		if status == statusNoMethod {
			f.Message = msgNoMethod
		}
		f.Detail = f.Message
		f.SetErrorProps(mc)
		mc.Props.Set(PropCustomHTTPSC, f.Code)
	}
	seq := ex.Seqs.Get(name)
	if seq == nil {
		return false
	}
	preset := status
	if name == sequences.MainSequence {
		preset = 0 // main is an ordinary sequence: it sets its own 404 (its welcome page is a 200)
	}
	if _, ok := runErrorSequence(ex, seq, preset); !ok {
		return false
	}
	settle(mc)
	return true
}

// RouteFaultSequence is the tenant's sequence that answers a request the
// router could not place (RouteFault, and explain):
// _resource_mismatch_handler_ when the API matched, main when none did.
func RouteFaultSequence(apiMatched bool) string {
	if apiMatched {
		return sequences.ResourceMismatchHandler
	}
	return sequences.MainSequence
}

// runErrorSequence runs seq with HTTP_SC preset to status (so a sequence
// that does not set it answers with the failure's status; 0 presets
// nothing). ok is false when the sequence failed; the failure is logged.
func runErrorSequence(ex *Exchange, seq *sequences.Sequence, status int) (cont, ok bool) {
	mc := ex.MC
	if mc.Sequences == nil && ex.Seqs != nil {
		mc.Sequences = ex.Seqs
	}
	if status > 0 {
		mc.SetProperty(mediation.ScopeAxis2, "HTTP_SC", strconv.Itoa(status))
	}
	mc.Outcome = mediation.Continue
	ex.FaultSequence = seq.Name
	cont, err := seq.Mediate(mc)
	if err != nil {
		if mc.Logger != nil {
			mc.Logger.Error("error sequence failed", zap.String("tenant", ex.tenantDomain()),
				zap.String("sequence", seq.Name), zap.Error(err))
		}
		return false, false
	}
	return cont, true
}

// settle turns whatever an error sequence ended with into an answer: a
// drop stays a drop (202, as MI documents it); anything else (respond,
// <send/>, a sequence that just ended, a send to an endpoint, which an
// error sequence cannot do here) sends the current message back.
func settle(mc *mediation.MessageContext) {
	if mc.Outcome != mediation.Drop {
		mc.Outcome = mediation.Respond
	}
}

var bodySeed = maphash.MakeSeed()

// bodyHash tells whether a sequence replaced the payload, without copying it.
func bodyHash(mc *mediation.MessageContext) uint64 {
	return maphash.Bytes(bodySeed, mc.Body())
}
