package mediators

import "sync"

// sharedKey names state that outlives one request and one deployment: a
// cache or a throttle is shared by every mediator of a tenant that names the
// same id (a finder and its collector, a throttle and its release), and a
// redeployed sequence keeps the counters and entries of its predecessor.
type sharedKey struct{ tenant, id string }

// sharedMap is a registry of such state, created on first use. Lookups take a
// read lock and allocate nothing; tenants never see each other's entries.
type sharedMap[T any] struct {
	mu  sync.RWMutex
	m   map[sharedKey]*T
	new func() *T
}

func newSharedMap[T any](mk func() *T) *sharedMap[T] {
	return &sharedMap[T]{m: map[sharedKey]*T{}, new: mk}
}

// get returns the state for (tenant, id), creating it if needed.
func (s *sharedMap[T]) get(tenant, id string) *T {
	k := sharedKey{tenant, id}
	s.mu.RLock()
	v := s.m[k]
	s.mu.RUnlock()
	if v != nil {
		return v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v = s.m[k]; v == nil {
		v = s.new()
		s.m[k] = v
	}
	return v
}

// lookup returns the state for (tenant, id) or nil, without creating it.
func (s *sharedMap[T]) lookup(tenant, id string) *T {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.m[sharedKey{tenant, id}]
}
