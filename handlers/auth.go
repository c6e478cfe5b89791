package handlers

import (
	"bytes"
	"fmt"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/authn"
)

// Header names a credential may come in.
const (
	HeaderAPIKey = "apikey"
	bearer       = "bearer "
	basicScheme  = "basic "
)

// Auth authenticates requests to resources that ask for it. A resource
// accepts a set of methods (auth: apikey,oauth2,...); when a request
// carries several credentials the first method in the order mtls,
// oauth2, apikey, basic that the resource accepts and whose credential is
// present decides, and a bad credential there is a failure (no fall
// through to a later method):
//
//	mtls    a verified client certificate on the connection
//	oauth2  Authorization: Bearer <token>, unless the token is one of the
//	        plain keys of applications[].keys and apikey is accepted too
//	apikey  the apikey header, else Authorization: Bearer <key>
//	basic   Authorization: Basic <base64 user:password>
//
// No credential of an accepted method: 401 900902 (an mtls-only resource
// answers 900901: its credential is the connection). On a resource that
// authenticates, every credential header the gateway reads (apikey,
// Authorization with Bearer or Basic) is removed before the backend call,
// the unused ones too: a backend never sees a credential meant for the
// gateway. The backend JWT header (security.backend_jwt.header) is removed
// from every request, on every API, so only the gateway can set it. Plain keys cost one map
// lookup; every other credential is verified once and then served from
// its verifier's cache (see package authn).
type Auth struct {
	keys map[string]*config.App // key -> application (keys are unique across apps)
	byCK map[ckKey]*config.App  // tenant + consumer key -> application
	v    *authn.Set
}

type ckKey struct{ tenant, consumerKey string }

// AuthOptions are what Auth takes besides the config.
type AuthOptions struct {
	Verifiers *authn.Set // credential verifiers (authn.New); nil: plain keys and mtls only
}

// NewAuth indexes the applications' keys and consumer keys and uses the
// verifiers of opts. The config must be validated (keys unique); a
// duplicate here is still refused.
func NewAuth(cfg *config.Config, opts AuthOptions) (*Auth, error) {
	set := opts.Verifiers
	if set == nil {
		set = &authn.Set{}
	}
	a := &Auth{keys: map[string]*config.App{}, byCK: map[ckKey]*config.App{}, v: set}
	for i := range cfg.Applications {
		app := &cfg.Applications[i]
		for k, key := range app.Keys {
			if _, dup := a.keys[key]; dup {
				return nil, errDupKey(i, k)
			}
			a.keys[key] = app
		}
		ck := ckKey{app.Tenant, app.ConsumerKey}
		if other, dup := a.byCK[ck]; dup {
			return nil, fmt.Errorf("auth: applications[%d] (%s): consumer_key already used by application %s in tenant %s",
				i, app.Name, other.Name, app.Tenant)
		}
		a.byCK[ck] = app
	}
	return a, nil
}

// Name implements Handler.
func (*Auth) Name() string { return "auth" }

// HandleRequest applies the precedence above. A failure answers through
// the tenant's _auth_failure_handler_ when one is deployed (faults.go).
func (a *Auth) HandleRequest(ex *Exchange) bool {
	if s := a.v.Backend; s != nil {
		ex.MC.Req.Header.Del(s.Header()) // a client's own X-JWT-Assertion is never forwarded
	}
	res := ex.Match.Resource
	if res == nil || res.AuthMethods == 0 {
		// API-M treats an unsecured resource as a production call, so
		// the generated AM_KEY_TYPE filter picks the production endpoint
		ex.MC.Props.Set(PropKeyType, keyTypeProduction)
		return true
	}
	set := res.AuthMethods
	if set.Has(config.AuthSetMTLS) && ex.ClientCertVerified {
		return authMTLS(ex)
	}
	req := &ex.MC.Req.Header
	authz := req.Peek(fasthttp.HeaderAuthorization)
	tok, isBearer := bearerToken(authz)
	isBearer = isBearer && len(tok) > 0
	if set.Has(config.AuthSetOAuth2) && isBearer && !(set.Has(config.AuthSetAPIKey) && a.keys[string(tok)] != nil) {
		return a.oauth2(ex, tok)
	}
	if set.Has(config.AuthSetAPIKey) {
		if key := req.Peek(HeaderAPIKey); len(key) > 0 {
			return a.apiKey(ex, key, false)
		}
		if isBearer {
			return a.apiKey(ex, tok, true)
		}
	}
	if set.Has(config.AuthSetBasic) && hasScheme(authz, basicScheme) {
		return a.basic(ex, authz[len(basicScheme):])
	}
	if set == config.AuthSetMTLS {
		return authMTLS(ex) // refuses: no verified certificate
	}
	missingCredentials(ex, set)
	return false
}

// HandleResponse implements Handler; nothing to do on the way back.
func (*Auth) HandleResponse(*Exchange) bool { return true }

// bearerToken returns the token of "Bearer <token>" (scheme case-insensitive).
func bearerToken(h []byte) ([]byte, bool) {
	if !hasScheme(h, bearer) {
		return nil, false
	}
	return bytes.Trim(h[len(bearer):], " \t"), true
}

// hasScheme reports whether h starts with scheme (lower case, with its
// trailing space), case-insensitively, and has something after it.
func hasScheme(h []byte, scheme string) bool {
	if len(h) <= len(scheme) {
		return false
	}
	for i := 0; i < len(scheme); i++ {
		c := h[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != scheme[i] {
			return false
		}
	}
	return true
}

func errDupKey(app, key int) error {
	return fmt.Errorf("auth: applications[%d] keys[%d]: key already used by another application", app, key)
}
