package endpoint

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultSuspendDuration is Synapse's DEFAULT_ENDPOINT_SUSPEND_TIME: the
// suspension used when initialDuration is unset (negative).
const DefaultSuspendDuration = 30 * time.Second

// Suspension is an endpoint's <suspendOnFailure> and <markForSuspension>
// settings (Synapse's EndpointDefinition), with Synapse's defaults.
type Suspension struct {
	SuspendCodes      []int         // errors that suspend at once; empty: every error that is not a timeout code
	InitialDuration   time.Duration // first suspension; negative: DefaultSuspendDuration
	ProgressionFactor float64       // next suspension = last × factor
	MaxDuration       time.Duration // cap on a suspension; 0: no cap
	TimeoutCodes      []int         // errors that mark for suspension; empty: 101504 and 101505
	RetriesBeforeSusp int           // timeouts tolerated (each after RetryDelay) before suspending
	RetryDelay        time.Duration // wait before a marked endpoint is tried again
}

// DefaultSuspension is Synapse's: any non-timeout error suspends for 30 s,
// a timeout suspends at once (no retries), durations do not grow.
var DefaultSuspension = Suspension{InitialDuration: -1, ProgressionFactor: 1}

// NoSuspension is API-M's publisher default for API backends (initial
// duration 0, factor 1): failures are reported but never take the backend
// out of service.
var NoSuspension = Suspension{InitialDuration: 0, ProgressionFactor: 1}

// Endpoint states, as Synapse's EndpointContext names them.
const (
	StateActive    = "ACTIVE"
	StateTimeout   = "TIMEOUT" // marked for suspension, retried after RetryDelay
	StateSuspended = "SUSPENDED"
)

// state is Synapse's EndpointContext for one leaf endpoint, local (not
// clustered): active → (timeout: marked, with retries left) → suspended for
// a duration that grows by the progression factor → retried when it ends →
// active again on the first success.
type state struct {
	cfg *Suspension
	now func() time.Time

	active atomic.Bool // fast path: st == StateActive, read without the lock

	mu           sync.Mutex
	st           string
	retriesLeft  int // -1: not counting yet
	lastSuspend  time.Duration
	nextRetry    time.Time
	hasSuspended bool
}

func newState(cfg *Suspension, now func() time.Time) *state {
	if now == nil {
		now = time.Now
	}
	s := &state{cfg: cfg, now: now, st: StateActive, retriesLeft: -1}
	s.active.Store(true)
	return s
}

// ready is readyToSend: active, or not active but the retry time is reached
// (the state changes only when that try succeeds or fails).
func (s *state) ready() bool {
	if s.active.Load() {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st == StateActive || !s.now().Before(s.nextRetry)
}

// current reports the state name (for tests and logs).
func (s *state) current() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

// success is onSuccess: any state goes back to active and forgets history.
func (s *state) success() {
	if s.active.Load() {
		return
	}
	s.mu.Lock()
	s.st, s.retriesLeft, s.lastSuspend, s.hasSuspended = StateActive, -1, 0, false
	s.active.Store(true)
	s.mu.Unlock()
}

// fault is onFault, reached with the call's error code: timeout codes mark
// the endpoint (or suspend it when no retries remain), suspend codes
// suspend it; other codes leave it alone.
func (s *state) fault(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.isTimeout(code):
		s.markTimeout()
	case s.isSuspendFault(code):
		s.suspend()
	}
}

func (s *state) isTimeout(code int) bool {
	if len(s.cfg.TimeoutCodes) == 0 {
		return code == CodeTimeout || code == CodeConnectionClosed
	}
	return slices.Contains(s.cfg.TimeoutCodes, code)
}

func (s *state) isSuspendFault(code int) bool {
	return len(s.cfg.SuspendCodes) == 0 || slices.Contains(s.cfg.SuspendCodes, code)
}

// markTimeout is setState(ST_TIMEOUT): one retry fewer, or suspension.
func (s *state) markTimeout() {
	retries := s.retriesLeft
	if retries == -1 {
		retries = s.cfg.RetriesBeforeSusp
	}
	if retries <= 0 {
		s.suspend()
		return
	}
	s.st, s.retriesLeft = StateTimeout, retries-1
	s.active.Store(false)
	s.nextRetry = s.now().Add(s.cfg.RetryDelay)
}

// suspend is setState(ST_SUSPENDED): the geometric series of durations.
func (s *state) suspend() {
	d := s.cfg.InitialDuration
	if s.hasSuspended && s.lastSuspend > 0 {
		d = time.Duration(float64(s.lastSuspend) * s.cfg.ProgressionFactor)
	}
	if s.cfg.MaxDuration > 0 && d > s.cfg.MaxDuration {
		d = s.cfg.MaxDuration
	} else if d < 0 {
		d = DefaultSuspendDuration
	}
	s.st, s.lastSuspend, s.hasSuspended = StateSuspended, d, true
	s.active.Store(false)
	s.nextRetry = s.now().Add(d)
}
