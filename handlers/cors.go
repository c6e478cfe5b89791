package handlers

import (
	"bytes"
	"strings"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/sequences"
)

// CORS header names.
const (
	HeaderOrigin             = "Origin"
	HeaderVary               = "Vary"
	HeaderACRequestMethod    = "Access-Control-Request-Method"
	HeaderACRequestHeaders   = "Access-Control-Request-Headers"
	HeaderACAllowOrigin      = "Access-Control-Allow-Origin"
	HeaderACAllowCredentials = "Access-Control-Allow-Credentials"
	HeaderACAllowMethods     = "Access-Control-Allow-Methods"
	HeaderACAllowHeaders     = "Access-Control-Allow-Headers"
	HeaderACExposeHeaders    = "Access-Control-Expose-Headers"
	HeaderACMaxAge           = "Access-Control-Max-Age"
	corsMethodOptions        = "OPTIONS"
	corsVaryOrigin           = "Origin"
	corsAnyOrigin            = "*"
	corsCredentialsTrue      = "true"
	// CORSSequence is API-M's CORS sequence: run, when the tenant deploys
	// it, to write the headers from the properties below.
	CORSSequence = "_cors_request_handler_"
	// PropCORSEnabled is the property API-M's handler sets for it
	// (APIConstants.CORS_CONFIGURATION_ENABLED); the Access-Control-*
	// values go in properties named like the headers.
	PropCORSEnabled = "CORSConfiguration.Enabled"
)

// CORS is API-M's CORSRequestHandler, first in the chain (before
// authentication, as in API-M, whatever extension_handler_position says):
//
//   - A preflight (OPTIONS with Origin and Access-Control-Request-Method)
//     on a resource that does not list OPTIONS itself is answered here with
//     200 and no body, never forwarded and never authenticated. The gateway
//     routes it by the requested method (PreflightMethod), so a preflight
//     for a method no resource of the path has gets the router's 405, as in
//     API-M. A resource that lists OPTIONS gets its OPTIONS requests as
//     any other method: API-M leaves those to the backend.
//   - Every other answer of the API, whoever wrote it (backend, sequence,
//     401, 429), gets Access-Control-Allow-Origin, -Allow-Credentials and
//     -Expose-Headers in Complete, unless the answer carries the backend's
//     own Access-Control-Allow-Origin (API-M's
//     _cors_request_handler_ sets each header only if absent, so a
//     backend's own CORS answer wins).
//
// Origin matching is API-M's getAllowedOrigins: "*" in the list answers
// "*"; an exact entry or a pattern echoes the origin; else no
// Access-Control-Allow-Origin at all. Two deliberate differences: a
// pattern must match the whole origin and * never spans a "/" (API-M turns
// it into an unanchored regex, so https://*.example.com also matched
// https://x.example.com.evil.net), and Vary: Origin is sent on every
// answer whose headers depend on the Origin (any list but "*"), also
// without one, so a shared cache never serves one origin's answer to
// another.
//
// A tenant that deploys _cors_request_handler_ gets API-M's flow instead
// of the built-in headers: the handler sets the properties
// CORSConfiguration.Enabled and Access-Control-Allow-Origin, -Methods,
// -Headers, -Credentials (only when true), -Expose-Headers, then runs the
// sequence: on a preflight, whose answer carries the transport headers the
// sequence set (plus Vary and Max-Age), and on the way back from the
// backend (HandleResponse), where it writes the response's headers. Answers
// the backend did not give (401, 429) keep the built-in headers, as API-M's
// fault sequences call the sequence themselves. Everything is compiled by
// NewCORS; requests only read it.
type CORS struct {
	byAPI map[*route.API]*corsPolicy
}

// NewCORS compiles the policy of every API that has CORS on; nil when none
// has, so the gateway leaves the handler out and pays nothing.
func NewCORS(cfg *config.Config, apis []*route.API) *CORS {
	c := &CORS{byAPI: map[*route.API]*corsPolicy{}}
	for _, a := range apis {
		if e := cfg.EffectiveCORS(a.Cfg); e.Enabled() {
			c.byAPI[a] = compileCORS(e)
		}
	}
	if len(c.byAPI) == 0 {
		return nil
	}
	return c
}

// Name implements Handler.
func (*CORS) Name() string { return "cors" }

// PreflightMethod is the method a preflight asks about, when the request is
// one (OPTIONS with Origin and Access-Control-Request-Method) for an API
// with CORS on; nil otherwise. The gateway routes such a request by it
// when no resource of the path allows OPTIONS, as API-M's handler picks
// the resource by Access-Control-Request-Method.
func (c *CORS) PreflightMethod(api *route.API, h *fasthttp.RequestHeader) []byte {
	if c == nil || api == nil || c.byAPI[api] == nil || string(h.Method()) != corsMethodOptions ||
		len(h.Peek(HeaderOrigin)) == 0 {
		return nil
	}
	if m := h.Peek(HeaderACRequestMethod); len(m) > 0 {
		return m
	}
	return nil
}

// HandleRequest answers preflights; every other request goes on (with the
// CORS properties set when the tenant deploys _cors_request_handler_).
func (c *CORS) HandleRequest(ex *Exchange) bool {
	req := &ex.MC.Req.Header
	if string(req.Method()) != corsMethodOptions {
		if seq := ex.Seqs.Get(CORSSequence); seq != nil {
			if p := c.byAPI[ex.Match.API]; p != nil && ex.Match.Resource != nil {
				p.setProps(ex, p.allowOrigin(req.Peek(HeaderOrigin)), ex.Match.Resource.Methods)
			}
		}
		return true
	}
	p := c.byAPI[ex.Match.API]
	res := ex.Match.Resource
	if p == nil || res == nil || listsMethod(res.Methods, corsMethodOptions) ||
		len(req.Peek(HeaderOrigin)) == 0 || len(req.Peek(HeaderACRequestMethod)) == 0 {
		return true
	}
	resp := ex.MC.Resp
	resp.Reset()
	resp.SetStatusCode(fasthttp.StatusOK)
	h := &resp.Header
	allow := p.allowOrigin(req.Peek(HeaderOrigin))
	if seq := ex.Seqs.Get(CORSSequence); seq != nil {
		c.preflightBySequence(ex, p, seq, allow)
	} else {
		p.preflightHeaders(h, req, allow, res.Methods)
	}
	if p.maxAge != "" {
		h.Set(HeaderACMaxAge, p.maxAge)
	}
	if p.vary {
		h.Set(HeaderVary, corsVaryOrigin)
	}
	return false
}

// preflightHeaders is the built-in preflight answer.
func (p *corsPolicy) preflightHeaders(h *fasthttp.ResponseHeader, req *fasthttp.RequestHeader, allow []byte, resMethods []string) {
	if allow != nil {
		h.SetBytesV(HeaderACAllowOrigin, allow)
		if p.credentials && !p.anyOrigin {
			h.Set(HeaderACAllowCredentials, corsCredentialsTrue)
		}
	}
	h.Set(HeaderACAllowMethods, p.preflightMethods(resMethods))
	if v := p.allowHeaders(req); v != "" {
		h.Set(HeaderACAllowHeaders, v)
	}
	if p.expose != "" {
		h.Set(HeaderACExposeHeaders, p.expose)
	}
}

// allowHeaders is Access-Control-Allow-Headers: the list, or the
// preflight's Access-Control-Request-Headers for "*".
func (p *corsPolicy) allowHeaders(req *fasthttp.RequestHeader) string {
	if p.echoHeaders {
		if rh := req.Peek(HeaderACRequestHeaders); len(rh) > 0 {
			return string(rh)
		}
	}
	return p.headers
}

// setProps sets what API-M's setCORSHeaders leaves for the sequence.
func (p *corsPolicy) setProps(ex *Exchange, allow []byte, resMethods []string) {
	props := &ex.MC.Props
	props.Set(PropCORSEnabled, corsCredentialsTrue)
	if allow != nil {
		props.Set(HeaderACAllowOrigin, string(allow))
		if p.credentials && !p.anyOrigin {
			props.Set(HeaderACAllowCredentials, corsCredentialsTrue)
		}
	}
	props.Set(HeaderACAllowMethods, p.preflightMethods(resMethods))
	props.Set(HeaderACAllowHeaders, p.allowHeaders(&ex.MC.Req.Header))
	if p.expose != "" {
		props.Set(HeaderACExposeHeaders, p.expose)
	}
}

// preflightBySequence runs the tenant's _cors_request_handler_ on a
// preflight and answers with the transport headers it set, as API-M's
// Utils.send does with the message the sequence left. A sequence that
// fails is logged and the built-in answer goes out instead.
func (c *CORS) preflightBySequence(ex *Exchange, p *corsPolicy, seq *sequences.Sequence, allow []byte) {
	mc := ex.MC
	p.setProps(ex, allow, ex.Match.Resource.Methods)
	if _, err := runGuarded(seq, mc); err != nil {
		logCORSSequence(ex, err)
		mc.Resp.Header.Reset()
		mc.Resp.SetStatusCode(fasthttp.StatusOK)
		p.preflightHeaders(&mc.Resp.Header, &mc.Req.Header, allow, ex.Match.Resource.Methods)
		return
	}
	for _, name := range mc.RequestHeadersSet() {
		if v := mc.Req.Header.Peek(name); len(v) > 0 {
			mc.Resp.Header.SetBytesV(name, v)
		}
	}
}

// preflightMethods is API-M's Access-Control-Allow-Methods: the resource's
// methods that allow_methods lists, or allow_methods for a resource that
// allows every method.
func (p *corsPolicy) preflightMethods(resMethods []string) string {
	if len(resMethods) == 0 {
		return p.allMethods
	}
	var b strings.Builder
	for _, m := range resMethods {
		if listsMethod(p.methods, m) {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(m)
		}
	}
	return b.String()
}

func listsMethod(ms []string, m string) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// HandleResponse runs a deployed _cors_request_handler_ on the backend's
// answer, as API-M's handler does; without one the headers go on in
// Complete, which also sees the answers no backend wrote.
func (c *CORS) HandleResponse(ex *Exchange) bool {
	seq := ex.Seqs.Get(CORSSequence)
	if seq == nil || c.byAPI[ex.Match.API] == nil {
		return true
	}
	if _, err := runGuarded(seq, ex.MC); err != nil {
		logCORSSequence(ex, err) // Complete still writes the built-in headers
	}
	return true
}

// logCORSSequence reports a failed _cors_request_handler_: it never fails
// the request, as the headers have a built-in fallback.
func logCORSSequence(ex *Exchange, err error) {
	if l := ex.MC.Logger; l != nil {
		l.Warn("CORS sequence failed; built-in CORS headers used", zap.String("tenant", ex.tenantDomain()),
			zap.String("api", ex.apiName()), zap.String("sequence", CORSSequence), zap.Error(err))
	}
}

// Complete puts the CORS headers on the final answer of a routed request
// to an API with CORS on: Vary: Origin when the answer depends on the
// Origin, then, for an allowed Origin, Access-Control-Allow-Origin,
// -Allow-Credentials and -Expose-Headers, unless the answer already has an
// Access-Control-Allow-Origin (the backend's, or the preflight's): then it
// is the backend's CORS answer and the gateway adds nothing to it. Header
// names are set in canonical form, so fasthttp does not normalise them on
// every request.
func (c *CORS) Complete(ex *Exchange) {
	if ex.Match.Resource == nil {
		return // not routed: API-M's handler never ran for it
	}
	p := c.byAPI[ex.Match.API]
	if p == nil {
		return
	}
	h := &ex.MC.Resp.Header
	if p.vary {
		addVaryOrigin(h)
	}
	origin := ex.MC.Req.Header.Peek(HeaderOrigin)
	if len(origin) == 0 || h.Peek(HeaderACAllowOrigin) != nil {
		return
	}
	allow := p.allowOrigin(origin)
	if allow == nil {
		return
	}
	h.SetCanonical(keyACAllowOrigin, allow)
	if p.credentials && !p.anyOrigin {
		h.SetCanonical(keyACAllowCredentials, valTrue)
	}
	if len(p.exposeB) > 0 {
		h.SetCanonical(keyACExposeHeaders, p.exposeB)
	}
}

// Canonical header names and fixed values for SetCanonical.
var (
	keyACAllowOrigin      = []byte(HeaderACAllowOrigin)
	keyACAllowCredentials = []byte(HeaderACAllowCredentials)
	keyACExposeHeaders    = []byte(HeaderACExposeHeaders)
	keyVary               = []byte(HeaderVary)
	valTrue               = []byte(corsCredentialsTrue)
	valOrigin             = []byte(corsVaryOrigin)
)

// addVaryOrigin adds Origin to the answer's Vary header unless it is
// listed there already (or Vary is "*").
func addVaryOrigin(h *fasthttp.ResponseHeader) {
	v := h.Peek(HeaderVary)
	if len(v) == 0 {
		h.SetCanonical(keyVary, valOrigin)
		return
	}
	for rest := v; len(rest) > 0; {
		tok := rest
		if i := bytes.IndexByte(rest, ','); i >= 0 {
			tok, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		tok = bytes.TrimSpace(tok)
		if bytes.EqualFold(tok, valOrigin) || bytes.Equal(tok, anyOriginBytes) {
			return
		}
	}
	h.Set(HeaderVary, string(v)+", "+corsVaryOrigin) // rare: the backend varies on something
}

// WithCORS puts c first in chain (nil c: chain as it is). CORS runs before
// everything, extension included, as in API-M 3.x/4.x where a "top"
// extension handler is inserted after CORS.
func WithCORS(c *CORS, chain []Handler) []Handler {
	if c == nil {
		return chain
	}
	return append([]Handler{c}, chain...)
}
