package dryrun

import (
	"crypto/sha256"
	"crypto/subtle"
	"time"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/mediation"
)

// The trace header: a request carrying X-Seqgate-Trace: <admin token> is
// traced; its response carries X-Seqgate-Trace-Id, under which the trace
// can be read at GET /admin/traces/{id} for TraceTTL.
const (
	HeaderTrace   = "X-Seqgate-Trace"
	HeaderTraceID = "X-Seqgate-Trace-Id"
)

// Hook implements gateway.Debug: it attaches a dry-run's trace and stub
// backend, and traces real requests that carry the admin token in
// X-Seqgate-Trace. Build one per process (NewHook) and give it to every
// gateway generation, so the stored traces survive a config reload.
type Hook struct {
	log      *zap.Logger
	hasToken bool
	token    [sha256.Size]byte
	traces   *Ring
}

// NewHook builds the hook. Without an admin token the header is ignored
// (and left alone): only the admin dry-run can trace.
func NewHook(adminToken string, log *zap.Logger) *Hook {
	if log == nil {
		log = zap.NewNop()
	}
	h := &Hook{log: log, traces: NewRing(RingSize, TraceTTL)}
	if adminToken != "" {
		h.hasToken, h.token = true, sha256.Sum256([]byte(adminToken))
	}
	return h
}

// Begin implements gateway.Debug.
func (h *Hook) Begin(ctx *fasthttp.RequestCtx, mc *mediation.MessageContext) {
	if rn, ok := ctx.UserValue(runKey{}).(*run); ok {
		mc.Trace, mc.Backend = rn.trace, rn
		return
	}
	if !h.hasToken {
		return
	}
	v := ctx.Request.Header.Peek(HeaderTrace)
	if v == nil {
		return
	}
	sum := sha256.Sum256(v) // both sides hashed: neither length nor content leaks through timing
	ok := subtle.ConstantTimeCompare(sum[:], h.token[:]) == 1
	ctx.Request.Header.Del(HeaderTrace) // the admin token never reaches a mediator or a backend
	if ok {
		mc.Trace = mediation.NewTrace()
		// the request is rewritten in place for the backend: keep what the
		// client asked for, to show with the stored trace
		ctx.SetUserValue(originKey{}, origin{string(ctx.Method()), string(ctx.Request.URI().PathOriginal())})
	}
}

type originKey struct{}

type origin struct{ method, path string }

// End implements gateway.Debug: a header-traced request's trace is kept
// in the ring, logged at info, and its id returned in X-Seqgate-Trace-Id.
// A dry-run's trace is Run's to return.
func (h *Hook) End(ctx *fasthttp.RequestCtx, mc *mediation.MessageContext) {
	if _, dry := mc.Backend.(*run); dry {
		return
	}
	o, _ := ctx.UserValue(originKey{}).(origin)
	st := Stored{
		Time: time.Now(), Method: o.method, Path: o.path,
		Tenant: mc.TenantDomain, Status: ctx.Response.StatusCode(), Trace: mc.Trace,
	}
	st.ID = h.traces.Put(st)
	ctx.Response.Header.Set(HeaderTraceID, st.ID)
	h.log.Info("mediation trace", zap.String("trace_id", st.ID), zap.String("tenant", st.Tenant),
		zap.String("method", st.Method), zap.String("path", st.Path), zap.Int("status", st.Status),
		zap.Int("steps", len(st.Trace.Steps)), zap.Any("trace", st.Trace))
}

// Trace returns a stored trace by id.
func (h *Hook) Trace(id string) (Stored, bool) { return h.traces.Get(id) }
