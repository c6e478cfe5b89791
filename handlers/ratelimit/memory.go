package ratelimit

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// Memory keeps counters in this process, in sharded maps so concurrent
// requests rarely share a lock. Windows that ended are swept from a shard
// at most once per sweepEvery, by the requests themselves (no background
// goroutine to stop).
//
// A Take over several keys locks every shard involved, in ascending shard
// order (so two Takes never wait on each other in a cycle), checks all
// counters, then counts in all of them: the check and the count are one
// critical section, so a refused request counts nowhere and concurrent
// requests can never together exceed a limit. The alternative, take then
// refund, would let a request that is refused later briefly hold quota
// another request needed, refusing it for nothing.
type Memory struct {
	shards [shardCount]shard
	seed   maphash.Seed
	now    func() time.Time
}

const (
	shardCount = 64
	sweepEvery = time.Minute
)

type shard struct {
	mu        sync.Mutex
	windows   map[string]*window
	lastSweep int64
}

type window struct {
	end   int64 // unix nanos when the window closes
	count int64
}

// NewMemory returns an empty store; now is its clock (nil: time.Now),
// settable so tests can move time.
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	m := &Memory{seed: maphash.MakeSeed(), now: now}
	for i := range m.shards {
		m.shards[i].windows = map[string]*window{}
	}
	return m
}

// Take implements Store.
func (m *Memory) Take(_ context.Context, limits []Limit) (Result, error) {
	if len(limits) == 0 {
		return noLimits, nil
	}
	if len(limits) > MaxLimits {
		return Result{}, ErrTooManyLimits
	}
	var idx [MaxLimits]uint8
	for i := range limits {
		idx[i] = uint8(maphash.Bytes(m.seed, limits[i].Key) % shardCount)
	}
	var order [MaxLimits]uint8
	locked := order[:distinctSorted(&order, idx[:len(limits)])]
	m.lock(locked)
	defer m.unlock(locked)
	now := m.now().UnixNano()
	for i := range limits {
		if c, end := m.current(idx[i], limits[i].Key, now); c >= limits[i].Max {
			return Result{Index: i, Remaining: 0, Reset: time.Duration(end - now)}, nil
		}
	}
	res := Result{Allowed: true, Index: -1}
	for i := range limits {
		w := m.count(idx[i], &limits[i], now)
		rem := limits[i].Max - w.count
		if res.Index < 0 || rem < res.Remaining {
			res.Index, res.Remaining, res.Reset = i, rem, time.Duration(w.end-now)
		}
	}
	return res, nil
}

// distinctSorted writes the distinct shards of idx into out in ascending
// order (the locking order) and returns how many there are.
func distinctSorted(out *[MaxLimits]uint8, idx []uint8) int {
	order := out[:len(idx)]
	copy(order, idx)
	for i := 1; i < len(order); i++ { // insertion sort: a handful of bytes, no allocation
		for j := i; j > 0 && order[j] < order[j-1]; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	n := 0
	for i, s := range order {
		if i == 0 || s != order[i-1] {
			order[n] = s
			n++
		}
	}
	return n
}

func (m *Memory) lock(shards []uint8) {
	for _, s := range shards {
		m.shards[s].mu.Lock()
	}
}

func (m *Memory) unlock(locked []uint8) {
	for _, s := range locked {
		m.shards[s].mu.Unlock()
	}
}

// current is the count of key's live window and its end; the shard is
// locked.
func (m *Memory) current(s uint8, key []byte, now int64) (int64, int64) {
	w := m.shards[s].windows[string(key)]
	if w == nil || now >= w.end {
		return 0, 0
	}
	return w.count, w.end
}

// count counts one request on l, opening a window when none is live; the
// shard is locked.
func (m *Memory) count(s uint8, l *Limit, now int64) *window {
	sh := &m.shards[s]
	if now-sh.lastSweep > int64(sweepEvery) {
		sh.sweep(now)
	}
	w := sh.windows[string(l.Key)]
	if w == nil {
		w = &window{}
		sh.windows[string(l.Key)] = w
	}
	if now >= w.end {
		w.end, w.count = now+int64(l.Window), 0
	}
	w.count++
	return w
}

// sweep drops the windows that have ended; the caller holds the lock.
func (sh *shard) sweep(now int64) {
	sh.lastSweep = now
	for k, w := range sh.windows {
		if now >= w.end {
			delete(sh.windows, k)
		}
	}
}

// Peek implements Store.
func (m *Memory) Peek(_ context.Context, key string) (Count, error) {
	s := uint8(maphash.String(m.seed, key) % shardCount)
	sh := &m.shards[s]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	now := m.now().UnixNano()
	c, end := m.current(s, []byte(key), now)
	if c == 0 {
		return Count{}, nil
	}
	return Count{Count: c, Reset: time.Duration(end - now)}, nil
}

// Len returns the number of counters held, ended or not (for tests).
func (m *Memory) Len() int {
	n := 0
	for i := range m.shards {
		m.shards[i].mu.Lock()
		n += len(m.shards[i].windows)
		m.shards[i].mu.Unlock()
	}
	return n
}
