package mediators

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	// throttleLease frees a concurrency slot whose response path never ran.
	throttleLease = 60 * time.Second
	// maxThrottleCallers bounds the per-caller windows one throttle keeps.
	maxThrottleCallers = 100_000
)

// throttleState is the counters of one throttle id in one tenant. It is
// safe for concurrent use.
type throttleState struct {
	mu      sync.Mutex
	leases  map[uint64]time.Time // concurrency slots in use, by lease number
	next    uint64
	callers map[callerKey]*callerWindow
}

type callerKey struct {
	rule   int
	caller string
}

// callerWindow is Synapse's CallerContext: a fixed window of UnitTime that
// admits MaximumCount requests, then refuses until the window ends or, with
// ProhibitTimePeriod, until that period has passed.
type callerWindow struct {
	end, prohibitedUntil time.Time
	count                int
}

var throttles = newSharedMap(func() *throttleState {
	return &throttleState{leases: map[uint64]time.Time{}, callers: map[callerKey]*callerWindow{}}
})

// acquire takes a concurrency slot if fewer than max are in use.
func (s *throttleState) acquire(max int, now time.Time) (uint64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.leases) >= max {
		for id, t := range s.leases {
			if now.Sub(t) >= throttleLease {
				delete(s.leases, id)
			}
		}
		if len(s.leases) >= max {
			return 0, false
		}
	}
	s.next++
	s.leases[s.next] = now
	return s.next, true
}

// free reports whether acquire would get a slot now, taking none.
func (s *throttleState) free(max int, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.leases {
		if now.Sub(t) < throttleLease {
			n++
		}
	}
	return n < max
}

func (s *throttleState) release(lease uint64) {
	s.mu.Lock()
	delete(s.leases, lease)
	s.mu.Unlock()
}

func (s *throttleState) inUse() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.leases)
}

// allow counts one request of caller under rule i.
func (s *throttleState) allow(i int, caller string, r *throttleRule, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := callerKey{i, caller}
	w := s.callers[k]
	if w == nil {
		s.makeRoom(now)
		w = &callerWindow{end: now.Add(r.unit)}
		s.callers[callerKey{i, strings.Clone(caller)}] = w
	}
	if !w.prohibitedUntil.IsZero() {
		if now.Before(w.prohibitedUntil) {
			return false
		}
		*w = callerWindow{end: now.Add(r.unit)}
	}
	if !now.Before(w.end) {
		*w = callerWindow{end: now.Add(r.unit)}
	}
	if w.count < r.max {
		w.count++
		return true
	}
	w.prohibitedUntil = w.end
	if r.prohibit > 0 {
		w.prohibitedUntil = now.Add(r.prohibit)
	}
	return false
}

// wouldAllow reports what allow would answer now, counting nothing.
func (s *throttleState) wouldAllow(i int, caller string, r *throttleRule, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.callers[callerKey{i, caller}]
	switch {
	case w == nil:
		return r.max > 0 // a fresh window
	case !w.prohibitedUntil.IsZero() && now.Before(w.prohibitedUntil):
		return false
	case !w.prohibitedUntil.IsZero(), !now.Before(w.end):
		return r.max > 0 // the window starts again
	}
	return w.count < r.max
}

// makeRoom drops finished windows when the map is full, then, if it is
// still full, an arbitrary one: memory stays bounded whatever the callers.
func (s *throttleState) makeRoom(now time.Time) {
	if len(s.callers) < maxThrottleCallers {
		return
	}
	for k, w := range s.callers {
		if now.After(w.prohibitedUntil) && now.After(w.end) {
			delete(s.callers, k)
		}
	}
	for k := range s.callers {
		if len(s.callers) < maxThrottleCallers {
			break
		}
		delete(s.callers, k)
	}
}

func formatLease(l uint64) string { return strconv.FormatUint(l, 10) }

func parseLease(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}
