package handlers

import (
	"errors"
	"fmt"
	"time"

	"github.com/valyala/fasthttp"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

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

func (ex *Exchange) tenantDomain() string {
	if ex.Match.Tenant != nil {
		return ex.Match.Tenant.Domain
	}
	return ex.MC.TenantDomain
}

func (ex *Exchange) apiName() string {
	if ex.Match.API != nil {
		return ex.Match.API.Name
	}
	return ""
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
