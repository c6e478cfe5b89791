package authn

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/seqgate/seqgate/deploy/config"
)

// Introspector asks an OAuth2 introspection endpoint (RFC 7662) about
// opaque tokens: POST token=<token> with the client credentials as HTTP
// basic; "active": true is required, a refresh token (token_type
// refresh_token) is refused, and so is an answer whose aud lacks the
// configured audience. Active answers are cached for cache_ttl but never
// past the token's exp, refused ones for negative_cache_ttl; both caches
// are size-bounded. Concurrent requests with the same uncached token share
// one call, and at most max_concurrent calls run at once: beyond that a
// token is answered ErrBusy without a call, so made-up tokens cannot make
// the gateway hammer the identity provider. It is made by the Registry and
// survives reloads with its caches. It runs on net/http: it is called only
// on a cache miss, never per request of a known token.
type Introspector struct {
	cfg      config.Introspection
	secret   string
	client   *http.Client
	claims   claimPaths
	positive *Cache[*Identity]
	negative *Cache[struct{}]
	inflight flight[*Identity]
	sem      chan struct{}
	now      func() time.Time
}

// maxIntrospectionBody bounds the endpoint's answer.
const maxIntrospectionBody = 64 << 10

func newIntrospector(cfg config.Introspection, secret string) *Introspector {
	return &Introspector{cfg: cfg, secret: secret, client: &http.Client{Timeout: cfg.Timeout.D()},
		claims: newClaimPaths(cfg.Claims), positive: NewCache[*Identity](cfg.CacheSize),
		negative: NewCache[struct{}](cfg.CacheSize), sem: make(chan struct{}, max(1, cfg.MaxConcurrent)), now: time.Now}
}

// Tenant is the domain whose APIs accept the endpoint's tokens.
func (in *Introspector) Tenant() string { return in.cfg.Tenant }

// Introspect returns the identity of an active token, ErrInvalid for an
// inactive, expired or refused one, ErrUnavailable when the endpoint fails
// and ErrBusy when max_concurrent calls are in progress (neither is
// cached: the next request asks again).
func (in *Introspector) Introspect(raw []byte) (*Identity, error) {
	if id, err, ok := in.cached(raw); ok {
		return id, err
	}
	tok := string(raw)
	id, err, _ := in.inflight.do(tok, func() (*Identity, error) { return in.introspect(tok) })
	return id, err
}

// cached answers from the caches; ok is false on a miss.
func (in *Introspector) cached(raw []byte) (*Identity, error, bool) {
	now := in.now()
	if id, ok := in.positive.Get(raw, now); ok {
		return id, nil, true
	}
	if _, ok := in.negative.Get(raw, now); ok {
		return nil, fmt.Errorf("%w: token inactive (cached)", ErrInvalid), true
	}
	return nil, nil, false
}

// introspect is one call for tok (the only one in progress for it).
func (in *Introspector) introspect(tok string) (*Identity, error) {
	// a request that missed the cache just before the previous call for
	// tok finished finds its answer here
	if id, err, ok := in.cached([]byte(tok)); ok {
		return id, err
	}
	select {
	case in.sem <- struct{}{}:
	default:
		return nil, &RetryError{Err: ErrBusy, After: busyRetry}
	}
	claims, err := in.ask(tok)
	<-in.sem
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	now := in.now()
	active, _ := claims["active"].(bool)
	var exp time.Time
	if e, ok := claims["exp"].(float64); ok {
		exp = time.Unix(int64(e), 0)
	}
	refuse := ""
	switch tt, _ := claims["token_type"].(string); {
	case !active || (!exp.IsZero() && !now.Before(exp)):
		refuse = "token inactive"
	case strings.EqualFold(tt, "refresh_token"):
		refuse = "a refresh token is not an access token"
	case in.cfg.Audience != "" && !hasAudience(claims["aud"], in.cfg.Audience):
		refuse = "aud does not name " + in.cfg.Audience
	}
	if refuse != "" {
		in.negative.Put(tok, struct{}{}, now.Add(in.cfg.NegativeCacheTTL.D()))
		return nil, fmt.Errorf("%w: %s", ErrInvalid, refuse)
	}
	id := &Identity{Method: MethodOAuth2, Tenant: in.cfg.Tenant, Expiry: exp}
	id.Issuer, _ = claims["iss"].(string)
	in.claims.fill(id, claims)
	in.positive.Put(tok, id, cacheUntil(now, in.cfg.CacheTTL.D(), exp, 0))
	return id, nil
}

// hasAudience reports whether aud (a string or a list of strings, RFC
// 7662) names want.
func hasAudience(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		for _, e := range a {
			if s, ok := e.(string); ok && s == want {
				return true
			}
		}
	}
	return false
}

// ask posts the token and decodes the JSON answer.
func (in *Introspector) ask(tok string) (map[string]any, error) {
	form := url.Values{"token": {tok}, "token_type_hint": {"access_token"}}
	req, err := http.NewRequest(http.MethodPost, in.cfg.URL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if in.cfg.ClientID != "" {
		req.SetBasicAuth(in.cfg.ClientID, in.secret)
	}
	resp, err := in.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxIntrospectionBody))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("introspection endpoint answered %d", resp.StatusCode)
	}
	var claims map[string]any
	if err := json.Unmarshal(body, &claims); err != nil {
		return nil, fmt.Errorf("introspection answer: %w", err)
	}
	return claims, nil
}
