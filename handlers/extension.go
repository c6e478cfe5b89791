package handlers

import (
	"fmt"
	"time"

	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/handlers/tracing"
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/sequences"
)

// Extension is WSO2 API-M's APIManagerExtensionHandler: on each side it runs
// the tenant's global sequence (WSO2AM--Ext--In/Out), then the API's own
// (<provider>--<name>:v<version>--In/Out), from the Set the request started
// with. An absent sequence is skipped; a global sequence that stops the flow
// keeps the per-API one from running; the per-API sequence's result is the
// handler's. Both directions run in the same order.
type Extension struct {
	log    *zap.Logger
	tracer trace.Tracer // the request spans' tracer, for sequence spans; nil: tracing off
}

// ExtensionOptions are what the extension handler takes; it reads no config.
type ExtensionOptions struct {
	Logger *zap.Logger // receives mediation errors; nil: none
	// Tracer is the request spans' tracer, so each sequence run's span
	// comes from it instead of a provider lookup; nil: tracing off.
	Tracer trace.Tracer
}

// NewExtension builds the handler.
func NewExtension(opts ExtensionOptions) *Extension {
	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	return &Extension{log: log, tracer: opts.Tracer}
}

// Name implements Handler.
func (*Extension) Name() string { return "extension" }

// HandleRequest runs WSO2AM--Ext--In, then <api>--In.
func (e *Extension) HandleRequest(ex *Exchange) bool { return e.mediate(ex, mediation.In) }

// HandleResponse runs WSO2AM--Ext--Out, then <api>--Out.
func (e *Extension) HandleResponse(ex *Exchange) bool { return e.mediate(ex, mediation.Out) }

func (e *Extension) mediate(ex *Exchange, dir mediation.Direction) bool {
	plan := PlanFor(ex.Match.API, sequences.FlowOf(dir))
	run := plan.Resolve(ex.Seqs)
	if run[0] == nil && run[1] == nil {
		return true
	}
	return e.run(ex, dir, plan.ReadsBody(ex.Seqs), run[:])
}

var globalNames = [2]string{sequences.GlobalName(mediation.In), sequences.GlobalName(mediation.Out)}

// PlanFor answers "what runs for this API in this flow", for the extension
// handler, HandleFault and explain alike (api nil: no API matched):
//
//   - In, Out: the tenant's global WSO2AM--Ext--In/Out, then the API's
//     <api>--In/Out; each deployed one runs, in order, until one stops
//     the flow.
//   - Fault: the API's <api>--Fault, else the tenant's fault sequence.
//
// The In and Out names were built once at deploy (route.API.InSeq/OutSeq),
// so the request path allocates nothing; the per-API fault name is built
// here, which only the failure path and explain ask for.
func PlanFor(api *route.API, flow sequences.Flow) sequences.Plan {
	p := sequences.Plan{Flow: flow}
	switch flow {
	case sequences.FlowIn, sequences.FlowOut:
		p.Names[0] = globalNames[flow]
		if api != nil {
			p.Names[1] = api.InSeq
			if flow == sequences.FlowOut {
				p.Names[1] = api.OutSeq
			}
		}
	default:
		if api != nil {
			p.Names[0] = sequences.APIFaultSequenceName(api.Name)
		}
		p.Names[1] = sequences.FaultSequence
	}
	return p
}

// run runs seqs (nil ones skipped) in order until one stops the flow;
// readsBody loads the body first. A failure answers through HandleFault.
func (e *Extension) run(ex *Exchange, dir mediation.Direction, readsBody bool, run []*sequences.Sequence) bool {
	mc := ex.MC
	mc.Dir = dir
	if mc.Sequences == nil && ex.Seqs != nil {
		mc.Sequences = ex.Seqs
	}
	if readsBody {
		// the body gate runs before any mediator: a body that cannot be read
		// (over the limit, a bomb, an unknown coding) is refused here, not
		// half-way through a sequence
		if err := mc.LoadBody(); err != nil {
			e.fail(ex, names(run...), err)
			return false
		}
	}
	start := time.Now()
	defer func() { ex.Timing.Mediation += time.Since(start) }()
	for _, seq := range run {
		if seq == nil {
			continue
		}
		var sp trace.Span
		if ex.Span != nil {
			sp = tracing.StartSequence(e.tracer, ex.Span, seq.Name, dir.String())
		}
		cont, err := runGuarded(seq, mc)
		if sp != nil {
			tracing.EndSequence(sp, cont, err)
		}
		if err != nil {
			e.fail(ex, seq.Name, err)
			return false
		}
		if !cont {
			return false
		}
	}
	return true
}

// ReadsBody reports whether the extension sequences that run for ex in
// direction dir (the tenant's global one, then the API's) may read or
// write the payload (sequences.Set.ReadsBody). When none does, the gateway
// passes that direction's body on untouched: streamed, still compressed.
func ReadsBody(ex *Exchange, dir mediation.Direction) bool {
	return PlanFor(ex.Match.API, sequences.FlowOf(dir)).ReadsBody(ex.Seqs)
}

// runGuarded runs a sequence and turns a panic in any mediator into a
// mediation error, so a bug in one mediator reaches the client as the fault
// sequence's answer or a 500, never as a dropped connection or a dead
// process.
func runGuarded(seq *sequences.Sequence, mc *mediation.MessageContext) (cont bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			cont, err = false, fmt.Errorf("sequence %q: mediator panicked: %v", seq.Name, r)
		}
	}()
	return seq.Mediate(mc)
}
