package mediators

import (
	"container/list"
	"sync"
	"sync/atomic"
	"time"
)

// maxCacheStoreBytes bounds the bodies one cache holds, whatever maxSize and
// maxMessageSize say: Synapse's defaults are unlimited, a gateway's memory
// is not.
const maxCacheStoreBytes = 64 << 20

// cacheKey is a 128-bit hash of a request (see requestKey).
type cacheKey [2]uint64

// cachedResponse is one stored response. It is immutable once stored, so
// any number of requests may copy from it at once.
type cachedResponse struct {
	status      int
	contentType string
	headers     [][2]string // name, value; no Content-Type/Length, no hop-by-hop
	body        []byte
	stored      time.Time
	expires     time.Time
}

func (r *cachedResponse) size() int {
	n := len(r.body) + len(r.contentType) + 64
	for _, h := range r.headers {
		n += len(h[0]) + len(h[1])
	}
	return n
}

type cacheEntry struct {
	key  cacheKey
	resp *cachedResponse
}

// cacheStore is one cache: an LRU of responses with a TTL per entry, bounded
// in entries (maxSize) and bytes. It is safe for concurrent use. cfg is the
// finder's configuration, which the collector on the response path obeys.
type cacheStore struct {
	cfg atomic.Pointer[cacheConfig]

	mu    sync.Mutex
	ll    list.List // of *cacheEntry, most recently used first
	m     map[cacheKey]*list.Element
	bytes int
}

var cacheStores = newSharedMap(func() *cacheStore { return &cacheStore{m: map[cacheKey]*list.Element{}} })

// get returns the live response for k, or nil (expired entries go).
func (s *cacheStore) get(k cacheKey, now time.Time) *cachedResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	el := s.m[k]
	if el == nil {
		return nil
	}
	e := el.Value.(*cacheEntry)
	if !now.Before(e.resp.expires) {
		s.remove(el)
		return nil
	}
	s.ll.MoveToFront(el)
	return e.resp
}

// peek returns the live response for k, or nil, changing nothing (no LRU
// move, no removal): what an admin dry-run may do.
func (s *cacheStore) peek(k cacheKey, now time.Time) *cachedResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	if el := s.m[k]; el != nil {
		if r := el.Value.(*cacheEntry).resp; now.Before(r.expires) {
			return r
		}
	}
	return nil
}

// put stores r under k and evicts the least recently used entries beyond
// maxEntries or the byte bound.
func (s *cacheStore) put(k cacheKey, r *cachedResponse, maxEntries int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if el := s.m[k]; el != nil {
		s.remove(el)
	}
	s.m[k] = s.ll.PushFront(&cacheEntry{key: k, resp: r})
	s.bytes += r.size()
	for s.ll.Len() > maxEntries || s.bytes > maxCacheStoreBytes {
		s.remove(s.ll.Back())
	}
}

func (s *cacheStore) remove(el *list.Element) {
	e := el.Value.(*cacheEntry)
	s.ll.Remove(el)
	delete(s.m, e.key)
	s.bytes -= e.resp.size()
}

// len is the number of entries, expired ones included.
func (s *cacheStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ll.Len()
}
