package handlers

import (
	"errors"
	"os"
	"strconv"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/authn"
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
	PropUTHostName  = "api.ut.hostName"
	// PropKeyType is the credential's key type, PRODUCTION or SANDBOX: API-M
	// APIs pick their production or sandbox endpoint by it
	// (filter source="$ctx:AM_KEY_TYPE" regex="PRODUCTION").
	PropKeyType = "AM_KEY_TYPE"
	// PropUTScopes is seqgate's: the token's or user's scopes, space separated.
	PropUTScopes   = "api.ut.scopes"
	PropAppNameOld = "APPLICATION_NAME"
	PropEndUser    = "END_USER_NAME"
)

// setAuthProps sets the api.ut.* properties; every value is a string that
// already exists, so nothing is allocated.
func setAuthProps(ex *Exchange, app *config.App) {
	setUTProps(ex, app.ConsumerKey, app.Name, app.ID, app.User)
}

// setIdentityProps sets them from a cached verified identity.
func setIdentityProps(ex *Exchange, id *authn.Identity) {
	setUTProps(ex, id.ConsumerKey, id.AppName, id.AppID, id.User)
	ex.MC.Props.Set(PropUTScopes, id.ScopeList)
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
	p.Set(PropUTHostName, hostName)
	p.Set(PropKeyType, keyTypeProduction) // backendJWT sets the credential's own
}

// hostName is api.ut.hostName: API-M puts the gateway's host name there
// (APIUtil.getHostAddress); read once, as it does not change.
var hostName = func() string {
	h, err := os.Hostname()
	if err != nil {
		return "localhost"
	}
	return h
}()

// backendJWT adds the signed caller description for the backend when
// security.backend_jwt is on; keyType is the credential's (PRODUCTION
// when it says nothing). A signing failure is logged and the request goes
// on without it.
//
// It also sets AM_KEY_TYPE to the credential's key type when it says one
// (signed keys, tokens); setUTProps set PRODUCTION before.
func (a *Auth) backendJWT(ex *Exchange, keyType string) bool {
	if keyType != "" {
		ex.MC.Props.Set(PropKeyType, keyType)
	}
	s := a.v.Backend
	if s == nil {
		return true
	}
	p := &ex.Principal
	api := ex.Match.API
	tier := p.SubTier
	if tier == "" {
		tier = p.AppTier
	}
	if tier == "" && ex.App != nil {
		tier = ex.App.Tier
	}
	if keyType == "" {
		keyType = keyTypeProduction
	}
	tok, err := s.Token(authn.BackendCaller{User: p.User, ConsumerKey: p.ConsumerKey, AppName: p.AppName,
		AppID: p.AppID, Tier: tier, KeyType: keyType, API: api.Cfg.Name, Version: api.Cfg.Version, Context: api.Context})
	if err != nil {
		if ex.MC.Logger != nil {
			ex.MC.Logger.Error("backend jwt", zap.Error(err))
		}
		return true
	}
	ex.MC.Req.Header.Set(s.Header(), tok)
	return true
}

// keyTypeProduction is API-M's key type of production keys and tokens.
const keyTypeProduction = config.KeyTypeProduction

// WSO2 API-M's authentication error codes besides 900901/900902
// (APISecurityConstants).
const (
	CodeAuthGeneral    = "900900" // unclassified: the introspection endpoint failed (500)
	CodeTokenExpired   = "900903"
	CodeForbidden      = "900908" // the credential is not subscribed to the API (403)
	CodeScopeForbidden = "900910" // the token lacks the resource's scopes (403)
)

// The failures the auth handler answers, as API-M words them.
var (
	failMissing = Fault{Status: fasthttp.StatusUnauthorized, Code: CodeMissingCredentials, Message: "Missing Credentials",
		Detail: "Invalid Credentials. Make sure your API invocation call has a header: 'Authorization: Bearer ACCESS_TOKEN' or 'Authorization: Basic ACCESS_TOKEN' or 'apikey: API_KEY'"}
	failMissingKey = Fault{Status: fasthttp.StatusUnauthorized, Code: CodeMissingCredentials, Message: "Missing Credentials",
		Detail: "Invalid Credentials. Make sure your API invocation call has a header: 'apikey: API_KEY' or 'Authorization: Bearer API_KEY'"}
	failInvalid = Fault{Status: fasthttp.StatusUnauthorized, Code: CodeInvalidCredentials, Message: "Invalid Credentials",
		Detail: "Invalid Credentials. Make sure you have provided the correct security credentials"}
	failCertRequired = Fault{Status: fasthttp.StatusUnauthorized, Code: CodeInvalidCredentials, Message: "Invalid Credentials",
		Detail: "Invalid Credentials. A client certificate signed by a trusted CA is required"}
	failExpired = Fault{Status: fasthttp.StatusUnauthorized, Code: CodeTokenExpired, Message: "Access Token Expired",
		Detail: "Access Token Expired. Renew the access token and try again"}
	failForbidden = Fault{Status: fasthttp.StatusForbidden, Code: CodeForbidden, Message: "Resource forbidden",
		Detail: "User is NOT authorized to access the Resource. API Subscription validation failed."}
	failScope = Fault{Status: fasthttp.StatusForbidden, Code: CodeScopeForbidden,
		Message: "The access token does not allow you to access the requested resource",
		Detail:  "User is NOT authorized to access the Resource. Scope validation failed."}
	failGeneral = Fault{Status: fasthttp.StatusInternalServerError, Code: CodeAuthGeneral,
		Message: "Unclassified Authentication Failure", Detail: "Error while accessing the token introspection endpoint"}
	failBusy = Fault{Status: fasthttp.StatusServiceUnavailable, Code: CodeAuthGeneral, Message: "Authentication busy",
		Detail: "Too many credential checks are in progress; retry after the time in Retry-After"}
	failTooMany = Fault{Status: fasthttp.StatusTooManyRequests, Code: CodeAuthGeneral, Message: "Too many failed authentications",
		Detail: "Too many failed credential checks from this client; retry after the time in Retry-After"}
)

// verifyFail answers a verifier's error; the reason (never the
// credential) is logged at debug level, or as an error when the
// introspection endpoint failed.
func verifyFail(ex *Exchange, err error) {
	f := failInvalid
	switch {
	case errors.Is(err, authn.ErrExpired):
		f = failExpired
	case errors.Is(err, authn.ErrBusy), errors.Is(err, authn.ErrTooManyFailures):
		// refused before the check (basic's bcrypt bound and per-client
		// failures, the introspection bound): the client may retry later
		f = failTooMany
		if errors.Is(err, authn.ErrBusy) {
			f = failBusy
		}
		retry := strconv.Itoa(ceilSeconds(authn.RetryAfter(err)))
		ex.MC.Resp.Header.Set(fasthttp.HeaderRetryAfter, retry)
		ex.MC.SetHeader(fasthttp.HeaderRetryAfter, retry)
	case errors.Is(err, authn.ErrUnavailable):
		f = failGeneral
		if ex.MC.Logger != nil {
			ex.MC.Logger.Error("auth: token introspection failed", zap.Error(err))
		}
	}
	if l := ex.MC.Logger; l != nil && f.Code != CodeAuthGeneral {
		l.Debug("auth: credential refused", zap.String("api", ex.Match.API.Name), zap.Error(err))
	}
	authFail(ex, f)
}

// missingCredentials answers a request that carries no credential of a
// method the resource accepts.
func missingCredentials(ex *Exchange, set config.AuthSet) {
	if set == config.AuthSetAPIKey {
		authFail(ex, failMissingKey)
		return
	}
	authFail(ex, failMissing)
}

// authFail answers f through the tenant's _auth_failure_handler_.
func authFail(ex *Exchange, f Fault) {
	sendHandlerFault(ex, sequences.AuthFailureHandler, f, securityNS)
}
