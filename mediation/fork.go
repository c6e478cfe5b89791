package mediation

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Scatter-gather (clone, iterate, aggregate) runs inside one request: each
// branch is a forked MessageContext with its own copy of the message, run
// by its own goroutine, and the branches' results wait on the request's
// context until an aggregate with the same id collects them (or the request
// ends and Reset releases them).

// Fork returns a copy of mc for one scatter branch: its own request and
// response (headers and body copied), its own property scopes and transport
// switches, no parsed payload, no trace. Nothing mutable is shared with mc,
// so branches may run concurrently with each other; the compiled sequences,
// endpoints, clients and logger they share are immutable or safe for
// concurrent use. The body is read through the gate first (a streamed or
// compressed body is made plain once, in the parent). Release the fork
// when done with it.
func (mc *MessageContext) Fork() (*MessageContext, error) {
	if err := mc.LoadBody(); err != nil {
		return nil, err
	}
	f := new(MessageContext)
	*f = *mc
	f.Req, f.Resp = fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	mc.Req.CopyTo(f.Req)
	mc.Resp.CopyTo(f.Resp)
	f.Props, f.Axis2 = mc.Props.clone(), mc.Axis2.clone()
	f.inHeaders = append([]string(nil), mc.inHeaders...)
	f.Hop.For = append([]byte(nil), mc.Hop.For...)
	f.Hop.Host = append([]byte(nil), mc.Hop.Host...)
	f.Trace = nil // a trace records one flow; branches run beside it
	f.reserved, f.answerShare, f.gateBuf = 0, 0, nil
	f.pending = nil
	f.forked, f.branchOf, f.arrived = true, "", nil
	// The XML byte index keeps its storage across Reset: a copy would share
	// it with the parent and the other branches, which scan in parallel.
	f.xmlIdx = xmlIndex{}
	f.InvalidatePayload()
	return f, nil
}

// Release gives a fork's transport objects back; f must not be used after.
// It is a no-op on a context that is not a fork.
func (f *MessageContext) Release() {
	if f == nil || !f.forked {
		return
	}
	f.releasePending()
	f.ReleaseBody()
	fasthttp.ReleaseRequest(f.Req)
	fasthttp.ReleaseResponse(f.Resp)
	f.Req, f.Resp = nil, nil
}

// Branch is the result of one scatter branch: its message after its target
// ran (nil when it failed), the error that stopped it, and how long after
// the scatter began it finished (an aggregate's timeout drops the late).
type Branch struct {
	MC    *MessageContext
	Err   error
	After time.Duration
}

// Scattered is what one clone or iterate left for an aggregate: every
// branch in order (index i is part i of the split).
type Scattered struct {
	ID       string
	Branches []Branch
	// StopsParent: the clone/iterate had continueParent="false", so the
	// original message must not go on to the backend (ParentStopped).
	StopsParent bool
}

// AddScattered records a scatter's results for a later aggregate with the
// same id; an earlier uncollected scatter with that id is released.
func (mc *MessageContext) AddScattered(s *Scattered) {
	for i, p := range mc.pending {
		if p.ID == s.ID {
			p.release()
			mc.pending[i] = s
			return
		}
	}
	mc.pending = append(mc.pending, s)
}

// TakeScattered removes and returns the uncollected scatter with this id
// (nil when none ran in this flow). The caller releases it.
func (mc *MessageContext) TakeScattered(id string) *Scattered {
	for i, p := range mc.pending {
		if p.ID == id {
			mc.pending = append(mc.pending[:i], mc.pending[i+1:]...)
			return p
		}
	}
	return nil
}

// ParentStopped reports whether results of a clone or iterate without
// continueParent wait for an aggregate: the request flow then must not
// send the original message to the backend, and the gateway runs the
// response path on it instead (where the aggregate collects).
func (mc *MessageContext) ParentStopped() bool {
	for _, p := range mc.pending {
		if p.StopsParent {
			return true
		}
	}
	return false
}

// Release gives back every branch context of s.
func (s *Scattered) Release() { s.release() }

func (s *Scattered) release() {
	for i := range s.Branches {
		s.Branches[i].MC.Release()
		s.Branches[i].MC = nil
	}
}

func (mc *MessageContext) releasePending() {
	for _, p := range mc.pending {
		p.release()
	}
	mc.pending = mc.pending[:0]
}

// BranchCount is the request-wide count of scatter branches, shared by the
// forks of one request so nested clones and iterates count too.
type BranchCount struct{ n atomic.Int64 }

// TakeBranches counts n more branches for this request against
// Limits.MaxBranches (0: DefaultMaxBranches) and reserves them in the
// process-wide Limits.Inflight; the caller gives the reservation back with
// Inflight.Done(n) once the branches have ended.
func (mc *MessageContext) TakeBranches(n int) error {
	max := mc.Limits.MaxBranches
	if max <= 0 {
		max = DefaultMaxBranches
	}
	if mc.branches == nil {
		mc.branches = new(BranchCount)
	}
	if used := mc.branches.n.Add(int64(n)); used > int64(max) {
		mc.branches.n.Add(int64(-n))
		return fmt.Errorf("%w: %d branches in this request would pass limits.max_branches_per_request (%d)", ErrTooManyBranches, used, max)
	}
	if !mc.Limits.Inflight.take(n) {
		mc.branches.n.Add(int64(-n))
		return fmt.Errorf("%w: %d more branches would pass limits.max_inflight_branches (%d) across all requests", ErrTooManyBranches, n, mc.Limits.Inflight.max.Load())
	}
	return nil
}

// DoneBranches gives back n branches TakeBranches reserved process-wide
// (the per-request count stays: it bounds the request's total work).
func (mc *MessageContext) DoneBranches(n int) { mc.Limits.Inflight.done(n) }

// ErrTooManyBranches marks a clone or iterate refused by a branch cap.
var ErrTooManyBranches = errors.New("too many scatter branches")

// DefaultMaxBranches and DefaultAggregateTimeout apply when Limits leaves
// them zero; they are the config package's defaults.
const (
	DefaultMaxBranches      = 64
	DefaultAggregateTimeout = 60 * time.Second
)

// Inflight bounds the scatter branches running at once across all
// requests (limits.max_inflight_branches). A nil *Inflight is no bound.
type Inflight struct {
	max  atomic.Int64 // <= 0: no bound
	used atomic.Int64
}

// NewInflight returns a bound of max branches (<= 0: none).
func NewInflight(max int) *Inflight {
	p := &Inflight{}
	p.SetMax(max)
	return p
}

// SetMax changes the bound (a config reload); branches running keep their
// reservations.
func (p *Inflight) SetMax(max int) { p.max.Store(int64(max)) }

// InUse is the number of branches running now (for tests and metrics).
func (p *Inflight) InUse() int64 {
	if p == nil {
		return 0
	}
	return p.used.Load()
}

func (p *Inflight) take(n int) bool {
	if p == nil {
		return true
	}
	if max := p.max.Load(); p.used.Add(int64(n)) > max && max > 0 {
		p.used.Add(int64(-n))
		return false
	}
	return true
}

func (p *Inflight) done(n int) {
	if p != nil {
		p.used.Add(int64(-n))
	}
}

// AggregateTimeout is how long a scatter waits for its branches when its
// aggregate sets no completeCondition timeout (Synapse would wait forever).
func (mc *MessageContext) AggregateTimeout() time.Duration {
	if mc.Limits.AggregateTimeout > 0 {
		return mc.Limits.AggregateTimeout
	}
	return DefaultAggregateTimeout
}

// TimeLeft bounds d by the context's Deadline (a branch's backend calls
// end when its scatter gives up); ok is false when the deadline passed.
func (mc *MessageContext) TimeLeft(d time.Duration) (_ time.Duration, ok bool) {
	if mc.Deadline.IsZero() {
		return d, true
	}
	left := time.Until(mc.Deadline)
	if left <= 0 {
		return 0, false
	}
	if d <= 0 || left < d {
		return left, true
	}
	return d, true
}

// Pending are the scatters whose results wait for an aggregate, oldest
// first; an aggregate for a nested scatter looks into their branches.
func (mc *MessageContext) Pending() []*Scattered { return mc.pending }

// HasScatteredID reports whether results of a scatter with this id wait on
// this context.
func (mc *MessageContext) HasScatteredID(id string) bool {
	for _, p := range mc.pending {
		if p.ID == id {
			return true
		}
	}
	return false
}

// MarkBranch records that this fork is a branch of the scatter with id.
func (mc *MessageContext) MarkBranch(id string) { mc.branchOf = id }

// BranchOf is the id of the scatter this context is a branch of (ok is
// false on a context that is not a branch).
func (mc *MessageContext) BranchOf() (id string, ok bool) { return mc.branchOf, mc.forked }

// Arrive records that an aggregate collected this branch's message: its
// flow stops there, and the scatter (or the enclosing aggregate) completes
// that aggregate once on the parent.
func (mc *MessageContext) Arrive(aggregate Mediator) { mc.arrived = aggregate }

// Arrived is the aggregate that collected this branch, nil when none.
func (mc *MessageContext) Arrived() Mediator { return mc.arrived }

// FirstArrival is the message of the branch that ended first without error
// among the results of a clone or iterate without continueParent that no
// aggregate has taken yet (nil when there is none). Synapse sends each
// branch's answer on to the client, and the first to get there wins: the
// gateway answers with it when the response path aggregates nothing.
func (mc *MessageContext) FirstArrival() *MessageContext {
	var first *Branch
	for _, p := range mc.pending {
		if !p.StopsParent {
			continue
		}
		for i := range p.Branches {
			b := &p.Branches[i]
			if b.Err == nil && b.MC != nil && (first == nil || b.After < first.After) {
				first = b
			}
		}
	}
	if first == nil {
		return nil
	}
	return first.MC
}

// ReleaseScatter gives back every branch context still waiting for an
// aggregate; the gateway calls it when the request ends (Reset would, but
// only when the pooled context is reused).
func (mc *MessageContext) ReleaseScatter() { mc.releasePending() }
