package handlers

import (
	"hash/maphash"
	"strconv"

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
}

// SetErrorProps records f in ERROR_CODE, ERROR_MESSAGE and ERROR_DETAIL.
func (f *Fault) SetErrorProps(mc *mediation.MessageContext) {
	mc.Props.Set(PropErrorCode, f.Code)
	mc.Props.Set(PropErrorMessage, f.Message)
	mc.Props.Set(PropErrorDetail, f.Detail)
}

// writeJSON answers with the gateway's own JSON error; the properties keep
// what the sequences saw.
func (f *Fault) writeJSON(mc *mediation.MessageContext) {
	writeErrorBody(mc, f.Status, f.Code, f.Message, f.Detail)
	mc.Outcome = mediation.Continue
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

// faultSequenceFor is the API's <api>--Fault, else the tenant's fault. The
// per-API name is built here, on the failure path only.
func faultSequenceFor(ex *Exchange) *sequences.Sequence {
	if api := ex.Match.API; api != nil {
		if seq := ex.Seqs.Get(sequences.APIFaultSequenceName(api.Name)); seq != nil {
			return seq
		}
	}
	return ex.Seqs.Get(sequences.FaultSequence)
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
	name := sequences.MainSequence
	if ex.Match.API != nil {
		name = sequences.ResourceMismatchHandler
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
