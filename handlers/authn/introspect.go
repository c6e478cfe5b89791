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
// basic; "active": true is required. Active answers are cached for
// cache_ttl but never past the token's exp, inactive ones for
// negative_cache_ttl; both caches are size-bounded. It is made by the
// Registry and survives reloads with its caches. It runs on net/http: it
// is called only on a cache miss, never per request of a known token.
type Introspector struct {
	cfg      config.Introspection
	secret   string
	client   *http.Client
	claims   claimPaths
	positive *Cache[*Identity]
	negative *Cache[struct{}]
	now      func() time.Time
}

// maxIntrospectionBody bounds the endpoint's answer.
const maxIntrospectionBody = 64 << 10

func newIntrospector(cfg config.Introspection, secret string) *Introspector {
	return &Introspector{cfg: cfg, secret: secret, client: &http.Client{Timeout: cfg.Timeout.D()},
		claims: newClaimPaths(cfg.Claims), positive: NewCache[*Identity](cfg.CacheSize),
		negative: NewCache[struct{}](cfg.CacheSize), now: time.Now}
}

// Tenant is the domain whose APIs accept the endpoint's tokens.
func (in *Introspector) Tenant() string { return in.cfg.Tenant }

// Introspect returns the identity of an active token, ErrInvalid for an
// inactive or expired one, ErrUnavailable when the endpoint fails (not
// cached: the next request asks again).
func (in *Introspector) Introspect(raw []byte) (*Identity, error) {
	now := in.now()
	if id, ok := in.positive.Get(raw, now); ok {
		return id, nil
	}
	if _, ok := in.negative.Get(raw, now); ok {
		return nil, fmt.Errorf("%w: token inactive (cached)", ErrInvalid)
	}
	tok := string(raw)
	claims, err := in.ask(tok)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	active, _ := claims["active"].(bool)
	var exp time.Time
	if e, ok := claims["exp"].(float64); ok {
		exp = time.Unix(int64(e), 0)
	}
	if !active || (!exp.IsZero() && !now.Before(exp)) {
		in.negative.Put(tok, struct{}{}, now.Add(in.cfg.NegativeCacheTTL.D()))
		return nil, fmt.Errorf("%w: token inactive", ErrInvalid)
	}
	id := &Identity{Method: MethodOAuth2, Tenant: in.cfg.Tenant, Expiry: exp}
	id.Issuer, _ = claims["iss"].(string)
	in.claims.fill(id, claims)
	in.positive.Put(tok, id, cacheUntil(now, in.cfg.CacheTTL.D(), exp, 0))
	return id, nil
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
