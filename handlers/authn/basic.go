package authn

import (
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/seqgate/seqgate/deploy/config"
)

// BasicVerifier checks HTTP basic credentials against security.basic.users
// (bcrypt hashes). An unknown user is compared against a dummy hash of the
// same cost, so timing does not tell which users exist. bcrypt costs
// ~50-100 ms at cost 10: a success is cached for cache_ttl under a SHA-256
// of tenant, user and password (never the password itself), so steady
// traffic pays one hash per request, not bcrypt. The cache lives as long
// as the config generation: a reload that changes a password drops it.
type BasicVerifier struct {
	users map[basicKey]*basicUser
	dummy []byte // at the highest cost of the users
	ttl   time.Duration
	cache *Cache[*Identity]
	now   func() time.Time
}

type basicKey struct{ tenant, name string }

type basicUser struct {
	hash []byte
	id   *Identity
}

// basicCacheSize bounds the cached successes.
const basicCacheSize = 10000

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

// NewBasicVerifier indexes the users of cfg (validated: hashes parse).
func NewBasicVerifier(cfg *config.Basic) *BasicVerifier {
	v := &BasicVerifier{users: map[basicKey]*basicUser{}, ttl: cfg.CacheTTL.D(),
		cache: NewCache[*Identity](basicCacheSize), now: time.Now}
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

// Verify checks user and password for an API of tenant.
func (v *BasicVerifier) Verify(tenant string, user, password []byte) (*Identity, error) {
	digest := basicDigest(tenant, user, password)
	now := v.now()
	if id, ok := v.cache.Get(digest[:], now); ok {
		return id, nil
	}
	u := v.users[basicKey{tenant, string(user)}]
	hash := v.dummy
	if u != nil {
		hash = u.hash
	}
	if err := bcrypt.CompareHashAndPassword(hash, password); err != nil || u == nil {
		return nil, fmt.Errorf("%w: basic: unknown user or wrong password", ErrInvalid)
	}
	v.cache.Put(string(digest[:]), u.id, now.Add(v.ttl))
	return u.id, nil
}

// basicDigest is SHA-256(tenant NUL user NUL password); short inputs are
// joined on the stack.
func basicDigest(tenant string, user, password []byte) [sha256.Size]byte {
	var buf [256]byte
	b := append(buf[:0], tenant...)
	b = append(append(b, 0), user...)
	b = append(append(b, 0), password...)
	return sha256.Sum256(b)
}
