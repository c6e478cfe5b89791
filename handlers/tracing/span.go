package tracing

import (
	"context"

	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Attribute keys of seqgate's spans (the HTTP ones are OTel's semantic
// conventions).
const (
	AttrMethod    = attribute.Key("http.request.method")
	AttrStatus    = attribute.Key("http.response.status_code")
	AttrRoute     = attribute.Key("http.route")
	AttrTenant    = attribute.Key("seqgate.tenant")
	AttrAPI       = attribute.Key("seqgate.api")
	AttrSequence  = attribute.Key("seqgate.sequence")
	AttrDirection = attribute.Key("seqgate.direction")
	AttrOutcome   = attribute.Key("seqgate.outcome")
)

var propagator = propagation.TraceContext{}

// headerCarrier lets the W3C propagator read and write fasthttp headers.
type headerCarrier struct{ h *fasthttp.RequestHeader }

func (c headerCarrier) Get(k string) string { return string(c.h.Peek(k)) }
func (c headerCarrier) Set(k, v string)     { c.h.Set(k, v) }
func (c headerCarrier) Keys() []string      { return propagator.Fields() }

// Request describes a routed (or unrouted) request for its server span.
type Request struct {
	Method string
	Route  string // the API's prefix and the resource template; "" when unrouted
	Tenant string
	API    string // Synapse name
}

// StartRequest starts the server span of a request, as a child of the
// client's traceparent when it sent a valid one. Its name is
// "<METHOD> <route>" (just the method when nothing matched), as the HTTP
// semantic conventions ask: never the raw path, whose ids would make every
// name unique.
func StartRequest(t trace.Tracer, h *fasthttp.RequestHeader, r Request) trace.Span {
	ctx := propagator.Extract(context.Background(), headerCarrier{h})
	name := r.Method
	if r.Route != "" {
		name += " " + r.Route
	}
	attrs := []attribute.KeyValue{AttrMethod.String(r.Method)}
	if r.Route != "" {
		attrs = append(attrs, AttrRoute.String(r.Route), AttrTenant.String(r.Tenant), AttrAPI.String(r.API))
	}
	_, sp := t.Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
	return sp
}

// EndRequest records the answer's status and ends the span; a 5xx marks
// it as an error, as the conventions say for server spans.
func EndRequest(sp trace.Span, status int) {
	sp.SetAttributes(AttrStatus.Int(status))
	if status >= 500 {
		sp.SetStatus(codes.Error, "")
	}
	sp.End()
}

// Inject writes sp's traceparent (and tracestate) into the backend request.
func Inject(sp trace.Span, h *fasthttp.RequestHeader) {
	propagator.Inject(trace.ContextWithSpan(context.Background(), sp), headerCarrier{h})
}

// StartSequence starts the child span of one sequence run with t, the
// tracer that started the request's span; nil asks parent's provider for
// it (a lookup under the provider's lock, which a run should not pay).
func StartSequence(t trace.Tracer, parent trace.Span, name, direction string) trace.Span {
	if t == nil {
		t = parent.TracerProvider().Tracer(Scope)
	}
	ctx := trace.ContextWithSpan(context.Background(), parent)
	_, sp := t.Start(ctx, "sequence "+name,
		trace.WithAttributes(AttrSequence.String(name), AttrDirection.String(direction)))
	return sp
}

// Outcomes of a sequence run.
const (
	OutcomeContinue = "continue" // the flow goes on
	OutcomeStop     = "stop"     // the sequence answered, dropped or sent
	OutcomeError    = "error"    // it failed; the fault path answers
)

// EndSequence records how the run ended and ends the span.
func EndSequence(sp trace.Span, cont bool, err error) {
	outcome := OutcomeContinue
	switch {
	case err != nil:
		outcome = OutcomeError
		sp.RecordError(err)
		sp.SetStatus(codes.Error, err.Error())
	case !cont:
		outcome = OutcomeStop
	}
	sp.SetAttributes(AttrOutcome.String(outcome))
	sp.End()
}
