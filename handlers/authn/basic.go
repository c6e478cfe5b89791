package authn

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	stdhash "hash"
	"net/netip"
	"runtime"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/seqgate/seqgate/deploy/config"
)

// BasicVerifier checks HTTP basic credentials against security.basic.users
// (bcrypt hashes). An unknown user is compared against a dummy hash of the
// same cost, so timing does not tell which users exist (the config refuses
// users of different costs for the same reason). bcrypt costs ~50-100 ms
// of a core at cost 10, so an attacker's wrong passwords are the expensive
// path and are bounded four ways, all before any hashing:
//
//   - a password over 72 bytes is refused: bcrypt ignores what follows
//     byte 72, so 'L'*72+"ANYTHING" would pass for a 72-byte password;
//   - a success is cached for cache_ttl and a failure for failure_window,
//     both under an HMAC-SHA256 (random per-process key) of tenant, user
//     and password, never the password itself: steady traffic and a
//     repeated wrong password cost one HMAC, not bcrypt;
//   - a client (IPv4 address, IPv6 /64) with max_failures_per_client
//     failures in its failure_window gets ErrTooManyFailures (429);
//   - at most max_concurrent_checks bcrypt compares run at once; beyond
//     that ErrBusy (503) answers at once instead of queueing, so a flood
//     of distinct passwords from many addresses takes at most that many
//     cores away from the other APIs.
//
// A cached success is served before the per-client and concurrency
// checks: a known user behind an attacked NAT keeps working.
// The caches and counters live as long as the config generation: a reload
// that changes a password drops them.
type BasicVerifier struct {
	users    map[basicKey]*basicUser
	dummy    []byte // at the cost of the users
	ttl      time.Duration
	cache    *Cache[*Identity]
	failures *Cache[struct{}]
	failTTL  time.Duration
	clients  *failCounter
	sem      chan struct{}
	now      func() time.Time
}

type basicKey struct{ tenant, name string }

type basicUser struct {
	hash []byte
	id   *Identity
}

// basicCacheSize bounds the cached successes and the cached failures;
// basicClients bounds the per-client failure counters.
const (
	basicCacheSize = 10000
	basicClients   = 10000
)

// MaxBcryptPassword is the longest password bcrypt reads in full; longer
// ones are refused without hashing (bcrypt would ignore the rest).
const MaxBcryptPassword = 72

// busyRetry is the Retry-After of a check refused because max_concurrent
// checks run: one bcrypt takes well under a second.
const busyRetry = time.Second

var (
	dummyMu     sync.Mutex
	dummyHashes = map[int][]byte{}
)

// dummy is a hash at the given cost for unknown users, made once per cost
// and process (making it costs one bcrypt).
func dummy(cost int) []byte {
	dummyMu.Lock()
	defer dummyMu.Unlock()
	if h := dummyHashes[cost]; h != nil {
		return h
	}
	h, _ := bcrypt.GenerateFromPassword([]byte("seqgate: no such user"), cost)
	dummyHashes[cost] = h
	return h
}

// DefaultBcryptConcurrency is max_concurrent_checks when unset: half the
// cores (at least one), so a flood of wrong passwords leaves the other
// half to the other APIs.
func DefaultBcryptConcurrency() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// NewBasicVerifier indexes the users of cfg (validated: hashes parse).
func NewBasicVerifier(cfg *config.Basic) *BasicVerifier {
	n := cfg.MaxConcurrentChecks
	if n <= 0 {
		n = DefaultBcryptConcurrency()
	}
	window := cfg.FailureWindow.D()
	if window <= 0 {
		window = time.Minute
	}
	v := &BasicVerifier{users: map[basicKey]*basicUser{}, ttl: cfg.CacheTTL.D(),
		cache: NewCache[*Identity](basicCacheSize), failures: NewCache[struct{}](basicCacheSize), failTTL: window,
		clients: newFailCounter(cfg.FailuresPerClient(), window, basicClients),
		sem:     make(chan struct{}, n), now: time.Now}
	cost := bcrypt.MinCost
	for _, u := range cfg.Users {
		if c, err := bcrypt.Cost([]byte(u.PasswordHash)); err == nil && c > cost {
			cost = c
		}
		id := &Identity{Method: MethodBasic, Tenant: u.Tenant, User: u.Name}
		id.setScopes(u.Scopes)
		v.users[basicKey{u.Tenant, u.Name}] = &basicUser{hash: []byte(u.PasswordHash), id: id}
	}
	if len(v.users) > 0 {
		v.dummy = dummy(cost)
	}
	return v
}

// Verify is VerifyFrom without a client address: no per-client limit.
func (v *BasicVerifier) Verify(tenant string, user, password []byte) (*Identity, error) {
	return v.VerifyFrom(netip.Addr{}, tenant, user, password)
}

// VerifyFrom checks user and password for an API of tenant, sent by
// client. Besides ErrInvalid it fails with ErrTooManyFailures or ErrBusy
// (both carry a RetryAfter) before hashing; see BasicVerifier.
func (v *BasicVerifier) VerifyFrom(client netip.Addr, tenant string, user, password []byte) (*Identity, error) {
	if len(password) > MaxBcryptPassword {
		return nil, fmt.Errorf("%w: basic: password over %d bytes", ErrInvalid, MaxBcryptPassword)
	}
	digest := basicDigest(tenant, user, password)
	now := v.now()
	if id, ok := v.cache.Get(digest[:], now); ok {
		return id, nil
	}
	if wait, blocked := v.clients.blocked(client, now); blocked {
		return nil, &RetryError{Err: ErrTooManyFailures, After: wait}
	}
	if _, ok := v.failures.Get(digest[:], now); ok {
		v.clients.add(client, now)
		return nil, fmt.Errorf("%w: basic: unknown user or wrong password (remembered)", ErrInvalid)
	}
	select {
	case v.sem <- struct{}{}:
	default:
		return nil, &RetryError{Err: ErrBusy, After: busyRetry}
	}
	u := v.users[basicKey{tenant, string(user)}]
	hash := v.dummy
	if u != nil {
		hash = u.hash
	}
	err := bcrypt.CompareHashAndPassword(hash, password)
	<-v.sem
	if err != nil || u == nil {
		v.failures.Put(string(digest[:]), struct{}{}, now.Add(v.failTTL))
		v.clients.add(client, now)
		return nil, fmt.Errorf("%w: basic: unknown user or wrong password", ErrInvalid)
	}
	v.cache.Put(string(digest[:]), u.id, now.Add(v.ttl))
	return u.id, nil
}

// digestKey keys the credential digests: random per process, so a digest
// in memory is no fast unsalted hash of a password that could be
// brute-forced offline.
var digestKey = func() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic("authn: no randomness for the basic digest key: " + err.Error())
	}
	return k
}()

var macPool = sync.Pool{New: func() any { return hmac.New(sha256.New, digestKey) }}

// basicDigest is HMAC-SHA256(digestKey, tenant NUL user NUL password).
func basicDigest(tenant string, user, password []byte) [sha256.Size]byte {
	m := macPool.Get().(stdhash.Hash)
	m.Reset()
	var buf [256]byte
	b := append(buf[:0], tenant...)
	b = append(append(b, 0), user...)
	b = append(append(b, 0), password...)
	m.Write(b)
	var out [sha256.Size]byte
	m.Sum(out[:0])
	macPool.Put(m)
	return out
}

// failCounter counts failed checks per client in fixed windows: the first
// failure opens a window of length window; a client with max failures in
// its open window is blocked until the window ends. A fixed window lets a
// client make up to 2×max failures around the moment one window ends and
// the next begins. The map is bounded (size): when full, an insert evicts
// expired windows it meets, else an arbitrary one. max 0 disables it.
type failCounter struct {
	max    int
	window time.Duration
	size   int
	mu     sync.Mutex
	m      map[netip.Addr]failWindow
}

type failWindow struct {
	n     int
	until int64 // unix nanoseconds
}

func newFailCounter(max int, window time.Duration, size int) *failCounter {
	return &failCounter{max: max, window: window, size: size, m: map[netip.Addr]failWindow{}}
}

// clientKey is the address counted: IPv4 as is, IPv6 by its /64 (one
// subscriber's allocation, which it can rotate through freely).
func clientKey(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if a.Is6() {
		if p, err := a.Prefix(64); err == nil {
			return p.Addr()
		}
	}
	return a
}

// blocked reports whether client has used up its failures, and how long
// until its window ends.
func (c *failCounter) blocked(client netip.Addr, now time.Time) (time.Duration, bool) {
	if c.max <= 0 || !client.IsValid() {
		return 0, false
	}
	k := clientKey(client)
	c.mu.Lock()
	w, ok := c.m[k]
	c.mu.Unlock()
	t := now.UnixNano()
	if !ok || t >= w.until || w.n < c.max {
		return 0, false
	}
	return time.Duration(w.until - t), true
}

// add counts one failure of client.
func (c *failCounter) add(client netip.Addr, now time.Time) {
	if c.max <= 0 || !client.IsValid() {
		return
	}
	k := clientKey(client)
	t := now.UnixNano()
	c.mu.Lock()
	defer c.mu.Unlock()
	w, ok := c.m[k]
	if !ok && len(c.m) >= c.size {
		evicted, n := false, 0
		for ek, e := range c.m { // map order is random: a cheap random sample
			if e.until <= t {
				delete(c.m, ek)
				evicted = true
			}
			if n++; n >= 8 {
				break
			}
		}
		if !evicted {
			for ek := range c.m {
				delete(c.m, ek)
				break
			}
		}
	}
	if !ok || t >= w.until {
		w = failWindow{until: t + int64(c.window)}
	}
	w.n++
	c.m[k] = w
}
