package handlers

import (
	"bytes"
	"fmt"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/sequences"
)

// Properties the auth handler sets on success, as API-M's
// APIAuthenticationHandler does (APIMgtGatewayConstants names).
const (
	PropConsumerKey = "api.ut.consumerKey"
	PropAppName     = "api.ut.application.name"
	PropAppID       = "api.ut.application.id"
	PropUserID      = "api.ut.userId"
	PropUTAPI       = "api.ut.api"
	PropUTVersion   = "api.ut.version"
	PropUTAPIVer    = "api.ut.api_version"
	PropUTContext   = "api.ut.context"
	PropUTResource  = "api.ut.resource"
	PropUTMethod    = "api.ut.HTTP_METHOD"
	PropUTPublisher = "api.ut.apiPublisher"
	PropAppNameOld  = "APPLICATION_NAME"
	PropEndUser     = "END_USER_NAME"
)

// Header names a key may come in.
const (
	HeaderAPIKey = "apikey"
	bearer       = "bearer "
)

// Auth checks API keys against the configured applications. The key map
// is built once; a request costs one map lookup.
type Auth struct {
	keys map[string]*config.App // key -> application (keys are unique across apps)
}

// NewAuth indexes the applications' keys. The config must be validated
// (keys unique); a duplicate here is still refused.
func NewAuth(cfg *config.Config) (*Auth, error) {
	a := &Auth{keys: map[string]*config.App{}}
	for i := range cfg.Applications {
		app := &cfg.Applications[i]
		for k, key := range app.Keys {
			if _, dup := a.keys[key]; dup {
				return nil, errDupKey(i, k)
			}
			a.keys[key] = app
		}
	}
	return a, nil
}

// Name implements Handler.
func (*Auth) Name() string { return "auth" }

// HandleRequest lets unauthenticated resources pass, and otherwise requires
// a key of an application of the API's tenant: in the apikey header, or as
// Authorization: Bearer <key>. The credential headers are removed before
// the backend call (API-M does not forward them either). Keys are never
// logged or echoed. A failure answers 401 through the tenant's
// _auth_failure_handler_ when one is deployed (see faults.go).
func (a *Auth) HandleRequest(ex *Exchange) bool {
	m := &ex.Match
	if m.Resource == nil || !m.Resource.AuthRequired {
		return true
	}
	if m.Resource.MTLS {
		return authMTLS(ex)
	}
	req := &ex.MC.Req.Header
	key := req.Peek(HeaderAPIKey)
	fromAuthz := false
	if len(key) == 0 {
		key, fromAuthz = bearerToken(req.Peek(fasthttp.HeaderAuthorization))
	}
	if len(key) == 0 {
		sendHandlerFault(ex, sequences.AuthFailureHandler, Fault{Status: fasthttp.StatusUnauthorized,
			Code: CodeMissingCredentials, Message: "Missing Credentials",
			Detail: "Invalid Credentials. Make sure your API invocation call has a header: 'apikey: API_KEY' or 'Authorization: Bearer API_KEY'"},
			securityNS)
		return false
	}
	app := a.keys[string(key)]
	if app == nil || app.Tenant != m.Tenant.Domain {
		sendHandlerFault(ex, sequences.AuthFailureHandler, Fault{Status: fasthttp.StatusUnauthorized,
			Code: CodeInvalidCredentials, Message: "Invalid Credentials",
			Detail: "Invalid Credentials. Make sure you have provided the correct security credentials"},
			securityNS)
		return false
	}
	if fromAuthz {
		req.Del(fasthttp.HeaderAuthorization)
	} else {
		req.Del(HeaderAPIKey)
	}
	ex.App = app
	setAuthProps(ex, app)
	return true
}

// authMTLS accepts a request whose connection carried a verified client
// certificate (the gateway sets ex.ClientCertVerified); the certificate's
// subject CN is the user. There is no application: throttling keys by the
// client's address.
func authMTLS(ex *Exchange) bool {
	if !ex.ClientCertVerified {
		sendHandlerFault(ex, sequences.AuthFailureHandler, Fault{Status: fasthttp.StatusUnauthorized,
			Code: CodeInvalidCredentials, Message: "Invalid Credentials",
			Detail: "Invalid Credentials. A client certificate signed by a trusted CA is required"},
			securityNS)
		return false
	}
	setUTProps(ex, "", "", "", ex.ClientCertCN)
	return true
}

// HandleResponse implements Handler; nothing to do on the way back.
func (*Auth) HandleResponse(*Exchange) bool { return true }

// bearerToken returns the token of "Bearer <token>" (scheme case-insensitive).
func bearerToken(h []byte) ([]byte, bool) {
	if len(h) <= len(bearer) || !bytes.EqualFold(h[:len(bearer)], []byte(bearer)) {
		return nil, false
	}
	return bytes.TrimSpace(h[len(bearer):]), true
}

// setAuthProps sets the api.ut.* properties; every value is a string that
// already exists, so nothing is allocated.
func setAuthProps(ex *Exchange, app *config.App) {
	setUTProps(ex, app.ConsumerKey, app.Name, app.ID, app.User)
}

// setUTProps sets the api.ut.* properties for a caller (consumer key,
// application name and id, user) and the matched API.
func setUTProps(ex *Exchange, consumerKey, appName, appID, user string) {
	p := &ex.MC.Props
	api := ex.Match.API
	p.Set(PropConsumerKey, consumerKey)
	p.Set(PropAppName, appName)
	p.Set(PropAppID, appID)
	p.Set(PropUserID, user)
	p.Set(PropAppNameOld, appName)
	p.Set(PropEndUser, user)
	p.Set(PropUTAPI, api.Cfg.Name)
	p.Set(PropUTVersion, api.Cfg.Version)
	// The newest API-M sets api_version from SYNAPSE_REST_API_VERSION.
	p.Set(PropUTAPIVer, api.Cfg.Version)
	p.Set(PropUTContext, api.Context)
	sub, _ := p.Get(route.PropSubPath)
	p.Set(PropUTResource, sub)
	p.Set(PropUTMethod, route.MethodString(ex.MC.Req.Header.Method()))
	p.Set(PropUTPublisher, api.Cfg.Provider)
}

func errDupKey(app, key int) error {
	return fmt.Errorf("auth: applications[%d] keys[%d]: key already used by another application", app, key)
}
