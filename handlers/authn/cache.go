package authn

import (
	"hash/maphash"
	"sync"
	"time"
)

// Cache is a size-bounded map from a credential (raw token, password
// digest) to a value with an expiry. Lookups take the key as bytes and do
// not allocate; it is sharded so concurrent requests rarely meet on a
// lock. When a shard is full an insert evicts expired entries it meets,
// else an arbitrary one: a cache miss only costs a new verification.
type Cache[V any] struct {
	shards  [cacheShards]cacheShard[V]
	perShrd int
	seed    maphash.Seed
}

const cacheShards = 16

type cacheShard[V any] struct {
	mu sync.RWMutex
	m  map[string]cacheEntry[V]
}

type cacheEntry[V any] struct {
	v     V
	until int64 // unix nanoseconds
}

// NewCache makes a cache of about size entries (at least one per shard).
func NewCache[V any](size int) *Cache[V] {
	c := &Cache[V]{perShrd: max(1, size/cacheShards), seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].m = make(map[string]cacheEntry[V])
	}
	return c
}

func (c *Cache[V]) shard(key []byte) *cacheShard[V] {
	return &c.shards[maphash.Bytes(c.seed, key)%cacheShards]
}

// Get returns the value stored under key if it has not expired at now.
func (c *Cache[V]) Get(key []byte, now time.Time) (V, bool) {
	s := c.shard(key)
	s.mu.RLock()
	e, ok := s.m[string(key)]
	s.mu.RUnlock()
	if !ok || now.UnixNano() >= e.until {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put stores v under key until the given time.
func (c *Cache[V]) Put(key string, v V, until time.Time) {
	s := c.shard([]byte(key))
	now := time.Now().UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[key]; !ok && len(s.m) >= c.perShrd {
		evicted := false
		n := 0
		for k, e := range s.m { // map order is random: a cheap random sample
			if e.until <= now {
				delete(s.m, k)
				evicted = true
			}
			if n++; n >= 8 {
				break
			}
		}
		if !evicted {
			for k := range s.m {
				delete(s.m, k)
				break
			}
		}
	}
	s.m[key] = cacheEntry[V]{v: v, until: until.UnixNano()}
}

// Len counts the entries, expired ones included (for tests and metrics).
func (c *Cache[V]) Len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}

// flight runs one call per key at a time: callers asking for a key whose
// call is in progress wait for it and share its result (a minimal
// singleflight: a token's introspection, a JWKS fetch).
type flight[V any] struct {
	mu    sync.Mutex
	calls map[string]*flightCall[V]
}

type flightCall[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// do runs fn for key unless a call for key is in progress, and returns
// that call's result; shared is true for a caller that joined.
func (f *flight[V]) do(key string, fn func() (V, error)) (v V, err error, shared bool) {
	f.mu.Lock()
	if c := f.calls[key]; c != nil {
		f.mu.Unlock()
		<-c.done
		return c.v, c.err, true
	}
	if f.calls == nil {
		f.calls = map[string]*flightCall[V]{}
	}
	c := &flightCall[V]{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(c.done)
	}()
	c.v, c.err = fn()
	return c.v, c.err, false
}
