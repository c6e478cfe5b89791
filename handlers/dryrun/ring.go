package dryrun

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/seqgate/seqgate/mediation"
)

// Defaults of the trace store: a trace is a debugging aid read right
// after the request, so a few dozen recent ones for a few minutes are
// plenty, and a burst of traced requests cannot hold much memory (each is
// bounded by mediation.MaxTraceSteps).
const (
	RingSize = 64
	TraceTTL = 10 * time.Minute
)

// Stored is a header-traced request kept for GET /admin/traces/{id}.
type Stored struct {
	ID     string           `json:"id"`
	Time   time.Time        `json:"time"`
	Tenant string           `json:"tenant,omitempty"`
	Method string           `json:"method"`
	Path   string           `json:"path"`
	Status int              `json:"status"`
	Trace  *mediation.Trace `json:"trace"`
}

// Ring keeps the last n traces, each for at most ttl: the oldest is
// overwritten when full. Safe for concurrent use.
type Ring struct {
	mu   sync.Mutex
	ttl  time.Duration
	buf  []Stored
	next int
}

// NewRing builds a ring of n slots (at least 1).
func NewRing(n int, ttl time.Duration) *Ring {
	return &Ring{ttl: ttl, buf: make([]Stored, max(n, 1))}
}

// Put stores s under a new random id, which it returns.
func (r *Ring) Put(s Stored) string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	s.ID = hex.EncodeToString(b[:])
	if s.Time.IsZero() {
		s.Time = time.Now()
	}
	r.mu.Lock()
	r.buf[r.next] = s
	r.next = (r.next + 1) % len(r.buf)
	r.mu.Unlock()
	return s.ID
}

// Get returns the trace stored under id unless it expired or was
// overwritten.
func (r *Ring) Get(id string) (Stored, bool) {
	if id == "" {
		return Stored{}, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.buf {
		if s.ID == id && time.Since(s.Time) <= r.ttl {
			return s, true
		}
	}
	return Stored{}, false
}
