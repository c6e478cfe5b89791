package handlers

import (
	"bytes"
	"encoding/base64"
	"errors"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/authn"
)

// authMTLS accepts a request whose connection carried a verified client
// certificate (the gateway sets ex.ClientCertVerified); the certificate's
// subject CN is the user. There is no application: throttling keys by the
// client's address.
func authMTLS(ex *Exchange) bool {
	if !ex.ClientCertVerified {
		authFail(ex, failCertRequired)
		return false
	}
	stripCredentials(ex)
	ex.Principal = Principal{Method: config.AuthMTLS, User: ex.ClientCertCN}
	setUTProps(ex, "", "", "", ex.ClientCertCN)
	return true
}

// apiKey checks a plain key of applications[].keys, else a WSO2 signed
// API key when security.api_keys is set up. API keys carry no scopes and
// are not scope-checked, as in API-M.
func (a *Auth) apiKey(ex *Exchange, key []byte, fromAuthz bool) bool {
	tenant, api := ex.Match.Tenant.Domain, ex.Match.API.Cfg
	if app := a.keys[string(key)]; app != nil {
		switch {
		case app.Tenant != tenant:
			authFail(ex, failInvalid)
			return false
		case !subscribed(app, api):
			authFail(ex, failForbidden)
			return false
		}
		stripCredentials(ex)
		ex.App = app
		ex.Principal = Principal{Method: config.AuthAPIKey, User: app.User, ConsumerKey: app.ConsumerKey,
			AppName: app.Name, AppID: app.ID}
		setAuthProps(ex, app)
		return a.backendJWT(ex, app.KeyType)
	}
	if a.v.SignedKeys == nil || bytes.Count(key, []byte{'.'}) != 2 {
		authFail(ex, failInvalid)
		return false
	}
	id, err := a.v.SignedKeys.Verify(key)
	if err != nil {
		verifyFail(ex, err)
		return false
	}
	m := ex.Match.API
	sub, ok := id.SubscribedTo(&authn.APIRef{Tenant: tenant, Name: api.Name, Version: api.Version,
		Publisher: api.Provider, Context: m.Context, Prefix: m.Prefix})
	if !ok {
		authFail(ex, failForbidden)
		return false
	}
	stripCredentials(ex)
	ex.Principal = principalOf(id, nil)
	ex.Principal.SubTier = sub.Tier
	setIdentityProps(ex, id)
	return a.backendJWT(ex, id.KeyType)
}

// oauth2 verifies a bearer token: locally when it is a JWT of an issuer
// of the API's tenant, else by introspection when it is set up for that
// tenant. A token whose consumer key is a configured application of the
// tenant must be subscribed to the API; one of an unknown client is
// allowed (the IdP is trusted) and ex.App stays nil.
func (a *Auth) oauth2(ex *Exchange, tok []byte) bool {
	tenant := ex.Match.Tenant.Domain
	var id *authn.Identity
	err := authn.ErrUnknownIssuer
	if a.v.JWT != nil {
		id, err = a.v.JWT.Verify(tok, tenant)
	}
	if in := a.v.Introspector; errors.Is(err, authn.ErrUnknownIssuer) && in != nil && in.Tenant() == tenant {
		id, err = in.Introspect(tok)
	}
	if err != nil {
		verifyFail(ex, err)
		return false
	}
	return a.acceptScoped(ex, id)
}

// basic checks Authorization: Basic credentials (b64 is what follows the
// scheme), decoded on the stack.
func (a *Auth) basic(ex *Exchange, b64 []byte) bool {
	var buf [384]byte
	b64 = bytes.Trim(b64, " \t")
	if a.v.Basic == nil || base64.StdEncoding.DecodedLen(len(b64)) > len(buf) {
		authFail(ex, failInvalid)
		return false
	}
	n, err := base64.StdEncoding.Decode(buf[:], b64)
	user, pass, ok := bytes.Cut(buf[:n], []byte{':'})
	if err != nil || !ok {
		authFail(ex, failInvalid)
		return false
	}
	id, err := a.v.Basic.VerifyFrom(ex.ClientIP, ex.Match.Tenant.Domain, user, pass)
	if err != nil {
		verifyFail(ex, err)
		return false
	}
	return a.acceptScoped(ex, id)
}

// acceptScoped finishes an oauth2 or basic success: scopes, the
// subscription of a known consumer key, the principal and properties.
func (a *Auth) acceptScoped(ex *Exchange, id *authn.Identity) bool {
	if scopes := ex.Match.Resource.Scopes; len(scopes) > 0 && !id.HasScope(scopes) {
		authFail(ex, failScope)
		return false
	}
	var app *config.App
	if id.ConsumerKey != "" {
		app = a.byCK[ckKey{ex.Match.Tenant.Domain, id.ConsumerKey}]
	}
	if app != nil && !subscribed(app, ex.Match.API.Cfg) {
		authFail(ex, failForbidden)
		return false
	}
	stripCredentials(ex)
	ex.App = app
	ex.Principal = principalOf(id, app)
	if app != nil {
		setAuthProps(ex, app)
		ex.MC.Props.Set(PropUserID, id.User)
		ex.MC.Props.Set(PropEndUser, id.User)
		ex.MC.Props.Set(PropUTScopes, id.ScopeList)
	} else {
		setIdentityProps(ex, id)
	}
	keyType := id.KeyType
	if keyType == "" && app != nil {
		keyType = app.KeyType // the token says none: its application's
	}
	return a.backendJWT(ex, keyType)
}

// subscribed reports whether app may call api: every API of its tenant
// when it lists no subscriptions, else only those listed (a subscription
// without a version covers every version; one with a provider only that
// provider's API, see config.Subscription.Covers).
func subscribed(app *config.App, api *config.API) bool {
	if len(app.Subscriptions) == 0 {
		return true
	}
	for i := range app.Subscriptions {
		if app.Subscriptions[i].Covers(api) {
			return true
		}
	}
	return false
}

// principalOf is the caller a verified identity describes; a configured
// application's name and id win over the token's.
func principalOf(id *authn.Identity, app *config.App) Principal {
	p := Principal{Method: id.Method, Issuer: id.Issuer, User: id.User, ConsumerKey: id.ConsumerKey, AppName: id.AppName,
		AppID: id.AppID, AppTier: id.AppTier, Scopes: id.Scopes}
	if app != nil {
		p.AppName, p.AppID = app.Name, app.ID
	}
	return p
}

// stripCredentials removes every credential header the gateway reads, the
// one that authenticated the request and any other sent beside it (API-M
// removes the one it used; a second, unused one is a credential too):
// apikey, and Authorization when it is Bearer or Basic. Another
// Authorization scheme is not the gateway's and goes on. It runs before
// the backend JWT is set, so a backend_jwt.header of Authorization stays.
func stripCredentials(ex *Exchange) {
	h := &ex.MC.Req.Header
	h.Del(HeaderAPIKey)
	for _, authz := range h.PeekAll(fasthttp.HeaderAuthorization) { // a repeated header too
		if hasScheme(authz, bearer) || hasScheme(authz, basicScheme) || isBareScheme(authz) {
			h.Del(fasthttp.HeaderAuthorization)
			return
		}
	}
}

// isBareScheme reports "Bearer" or "Basic" with nothing after them (and
// surrounding blanks), which hasScheme does not count as a credential but
// is no other scheme's either.
func isBareScheme(h []byte) bool {
	h = bytes.Trim(h, " \t")
	return bytes.EqualFold(h, []byte("bearer")) || bytes.EqualFold(h, []byte("basic"))
}
