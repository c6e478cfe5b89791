package mediators

import (
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/seqgate/seqgate/mediation"
)

// cache is <cache>, WSO2's response cache (carbon-mediation CacheMediator),
// in the MI form (<protocol>, <implementation maxSize>) and the older API-M
// form (id, scope, hashGenerator, <implementation type="memory">).
//
// A finder on the request path hashes the request (method, full URI, the
// headers not excluded, the body). On a hit the cached response (status,
// headers, body) becomes the current message, onCacheHit runs, and the
// client gets it: with no onCacheHit, or one that neither responds nor
// drops, the gateway responds (Synapse would leave the client waiting). On
// a miss the finder remembers the hash, and a collector (collector="true")
// on the response path stores the response if its status matches
// responseCodes. Entries live in memory, per tenant, shared by every cache
// mediator with the same id (or per element when there is no id), bounded
// by maxSize entries, maxMessageSize bytes each and 64 MiB in all.
type cache struct {
	collector bool
	id        string // store name: the id attribute, or file:line
	cfg       *cacheConfig
	onHit     mediation.Mediator // nil: respond with the cached response
}

// cacheConfig is what a finder decides and its collector obeys.
type cacheConfig struct {
	timeout        time.Duration
	maxEntries     int
	maxMessageSize int // bytes; 0: no limit but the store's
	methods        []string
	exclude        []string // header names, lower case; "*" excludes all
	include        []string // header names, lower case; empty: all not excluded
	codes          *mediation.Regex
	cacheControl   bool
	ageHeader      bool
}

// cachePendingProp holds "<id>|<hash>" between a miss and the collector.
const cachePendingProp = "seqgate.cache.pending"

func init() { mediation.Register("cache", newCache) }

// Mediate implements mediation.Mediator.
func (c *cache) Mediate(mc *mediation.MessageContext) (bool, error) {
	if c.collector {
		if mc.Dir == mediation.In {
			return false, errors.New("cache: a collector cannot handle a request; use it on the response path")
		}
		c.collect(mc)
		return true, nil
	}
	if mc.Dir == mediation.Out {
		return false, errors.New(`cache: a finder cannot handle a response; use collector="true" on the response path`)
	}
	if !c.cfg.cachesMethod(mc.Req.Header.Method()) {
		return true, nil
	}
	if mc.DryRun() {
		return c.peek(mc)
	}
	store := cacheStores.get(mc.TenantDomain, c.id)
	if store.cfg.Load() != c.cfg {
		store.cfg.Store(c.cfg)
	}
	key := requestKey(mc, c.cfg)
	now := time.Now()
	if r := store.get(key, now); r != nil {
		return c.hit(mc, r, now)
	}
	mc.Props.Set(cachePendingProp, pendingValue(c.id, key))
	return true, nil
}

// peek is the finder of an admin dry-run, which may read the live cache
// but never write it: a hit answers as for a real request (without
// touching the LRU order or dropping an expired entry), a miss leaves
// nothing pending, so no collector stores the dry-run's (stub) answer for
// real clients.
func (c *cache) peek(mc *mediation.MessageContext) (bool, error) {
	store := cacheStores.lookup(mc.TenantDomain, c.id)
	if store == nil {
		return true, nil
	}
	now := time.Now()
	if r := store.peek(requestKey(mc, c.cfg), now); r != nil {
		return c.hit(mc, r, now)
	}
	return true, nil
}

// hit puts the cached response in place and answers with it.
func (c *cache) hit(mc *mediation.MessageContext, r *cachedResponse, now time.Time) (bool, error) {
	mc.Props.Del(cachePendingProp)
	useCachedResponse(mc, r, c.cfg.ageHeader, now)
	if c.onHit != nil {
		if _, err := c.onHit.Mediate(mc); err != nil {
			return false, fmt.Errorf("cache onCacheHit: %w", err)
		}
	}
	if mc.Outcome == mediation.Continue {
		mc.Outcome = mediation.Respond
	}
	return false, nil
}

// collect stores the response for the request a finder missed.
func (c *cache) collect(mc *mediation.MessageContext) {
	v, ok := mc.Props.Get(cachePendingProp)
	if !ok {
		return
	}
	mc.Props.Del(cachePendingProp)
	id, key, ok := parsePending(v)
	if !ok || mc.DryRun() { // a dry-run stores nothing (its finder leaves nothing pending either)
		return
	}
	store := cacheStores.lookup(mc.TenantDomain, id)
	if store == nil {
		return
	}
	cfg := store.cfg.Load()
	if r := responseToCache(mc, cfg, time.Now()); r != nil {
		store.put(key, r, cfg.maxEntries)
	}
}

func pendingValue(id string, k cacheKey) string {
	var b [16]byte
	for i := range 8 {
		b[i], b[8+i] = byte(k[0]>>(56-8*i)), byte(k[1]>>(56-8*i))
	}
	return id + "|" + hex.EncodeToString(b[:])
}

func parsePending(v string) (id string, k cacheKey, ok bool) {
	if len(v) < 33 || v[len(v)-33] != '|' {
		return "", k, false
	}
	b, err := hex.DecodeString(v[len(v)-32:])
	if err != nil {
		return "", k, false
	}
	for i := range 8 {
		k[0] = k[0]<<8 | uint64(b[i])
		k[1] = k[1]<<8 | uint64(b[8+i])
	}
	return v[:len(v)-33], k, true
}
