// Package ratelimit counts requests in fixed windows, for the throttle
// handler. A window starts with the first request counted on its key and
// lasts the limit's Window; within it at most Max requests are counted.
// Two stores share these semantics exactly: Memory (one process) and Redis
// (every node using the same server, the window measured by Redis's own
// clock). A Take over several limits is all or nothing: a request that
// one limit refuses is counted in none, so a rejected request never
// consumes quota anywhere.
package ratelimit

import (
	"context"
	"errors"
	"time"
)

// Limit is one counter a request must fit in.
type Limit struct {
	// Key names the counter. It is only read during the call (the
	// throttle builds keys in a reused buffer): a store copies what it
	// keeps.
	Key    []byte
	Max    int64         // requests per window, > 0
	Window time.Duration // > 0
}

// Result is the outcome of a Take.
type Result struct {
	Allowed bool
	// Index is the limit that decided: the one that refused, or, when
	// allowed, the most constrained one (least remaining). -1 when there
	// were no limits.
	Index int
	// Remaining is what limits[Index] has left after this request.
	Remaining int64
	// Reset is the time until limits[Index]'s window ends.
	Reset time.Duration
}

// Count is what a key holds, read without counting.
type Count struct {
	Count int64         // requests counted in the current window; 0 when none
	Reset time.Duration // until the window ends; 0 when none
}

// Store is where counters live.
type Store interface {
	// Take counts one request on every limit if each has room, atomically
	// with respect to other Takes; otherwise it counts nothing and
	// reports the limit that refused.
	Take(ctx context.Context, limits []Limit) (Result, error)
	// Peek reads a counter without counting.
	Peek(ctx context.Context, key string) (Count, error)
}

// MaxLimits bounds the limits of one Take (the throttle uses at most 8:
// four levels, each with an optional burst limit).
const MaxLimits = 16

// ErrTooManyLimits is returned for a Take over more than MaxLimits.
var ErrTooManyLimits = errors.New("ratelimit: more than 16 limits in one take")

var noLimits = Result{Allowed: true, Index: -1}
