package handlers

import (
	"cmp"
	"time"

	"github.com/seqgate/seqgate/handlers/analytics"
	"github.com/seqgate/seqgate/handlers/route"
)

// propMessageID is the MessageID a mediator may have made (Synapse's
// message id, a urn:uuid); the event's correlation id when set.
const propMessageID = "MessageID"

// fill sets what request and finished events share. Every string points
// into the config, the principal or an interned constant: nothing is
// copied from the request's buffers, so the event may outlive it.
func (u *Usage) fill(ev *analytics.Event, ex *Exchange, m *apiMetrics) {
	ev.Node, ev.Tenant, ev.API = u.node, m.tenant, m.api
	if ex.Match.API != nil {
		ev.Version = ex.Match.API.Cfg.Version
	}
	if ex.Match.Resource != nil {
		ev.Resource = ex.Match.Resource.Template
	}
	ev.Method = route.MethodString(ex.MC.Req.Header.Method())
	p := &ex.Principal
	ev.Application, ev.ApplicationID, ev.ConsumerKey, ev.User = p.AppName, p.AppID, p.ConsumerKey, p.User
	if a := ex.App; a != nil { // a configured application fills what the credential did not say
		ev.Application = cmp.Or(ev.Application, a.Name)
		ev.ApplicationID = cmp.Or(ev.ApplicationID, a.ID)
		ev.ConsumerKey = cmp.Or(ev.ConsumerKey, a.ConsumerKey)
		ev.User = cmp.Or(ev.User, a.User)
	}
	ev.CorrelationID, _ = ex.MC.Props.Get(propMessageID)
	if ex.Span != nil {
		ev.TraceID = ex.Span.SpanContext().TraceID()
	}
	ev.ClientIP = ex.ClientIP
}

// finish completes a finished request's event. It is a fault when the
// gateway's fault path produced the answer: every such path (auth and
// throttle failures, a failed sequence, a failed backend call, a route
// error; with or without an error sequence answering) sets ERROR_CODE,
// which an ordinary answer does not carry (a sequence that sets it itself
// marks its answer a fault, as on API-M).
func (u *Usage) finish(ev *analytics.Event, ex *Exchange, status int, total time.Duration) {
	ev.Type = analytics.TypeResponse
	if code, ok := ex.MC.Props.Get(PropErrorCode); ok {
		ev.Type, ev.ErrorCode = analytics.TypeFault, code
	}
	ev.Time = ex.Timing.Start.Add(total)
	ev.Status = status
	ev.Latency, ev.Backend, ev.Mediation = total, ex.Timing.Backend, ex.Timing.Mediation
}
