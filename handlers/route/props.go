package route

import (
	"bytes"

	"github.com/seqgate/seqgate/mediation"
	"github.com/valyala/fasthttp"
)

// Synapse REST properties the router sets (default scope), as Synapse's
// API.process and RESTUtils do.
const (
	PropAPI          = "SYNAPSE_REST_API"
	PropAPIVersion   = "SYNAPSE_REST_API_VERSION"
	PropContext      = "REST_API_CONTEXT"
	PropFullPath     = "REST_FULL_REQUEST_PATH"
	PropSubPath      = "REST_SUB_REQUEST_PATH"
	PropMethod       = "REST_METHOD"
	PropTenantDomain = "TENANT_DOMAIN"
	// PropElectedResource is the matched resource's uri-template (or
	// url-mapping) as written, e.g. /orders/{id}: Synapse's REST dispatcher
	// sets it and API-M 4.x operation policies switch on
	// fn:concat($ctx:REST_METHOD,'_',$ctx:API_ELECTED_RESOURCE).
	PropElectedResource = "API_ELECTED_RESOURCE"
	// Synapse's tenant info (SynapseConstants.TENANT_INFO_DOMAIN/_ID).
	PropTenantInfoDomain = "tenant.info.domain"
	PropTenantInfoID     = "tenant.info.id"
	PrefixURIVar         = "uri.var."
	PrefixQueryParam     = "query.param."
	defaultSubPathRoot   = "/"
)

// SetProperties puts what the router found on mc, the way Synapse does
// before the handlers run: the REST_* and SYNAPSE_REST_API* properties,
// uri.var.<name> for each template variable, query.param.<name> for each
// query parameter (decoded, from query), TENANT_DOMAIN, mc.TenantDomain, and
// the REST_URL_POSTFIX sent to the backend (Postfix plus "?query", raw).
// m must be a successful match; requestURI is the raw path and query.
func SetProperties(mc *mediation.MessageContext, m *Match, method, requestURI []byte, query *fasthttp.Args) {
	api := m.API
	mc.TenantDomain = m.Tenant.Domain
	p := &mc.Props
	p.Set(PropAPI, api.Name)
	p.Set(PropAPIVersion, api.Cfg.Version)
	p.Set(PropContext, api.Context)
	p.Set(PropTenantDomain, m.Tenant.Domain)
	p.Set(PropTenantInfoDomain, m.Tenant.Domain)
	p.Set(PropTenantInfoID, m.Tenant.IDString())
	if m.Resource != nil {
		p.Set(PropElectedResource, m.Resource.Template)
	}
	p.Set(PropMethod, MethodString(method))
	p.Set(PropFullPath, string(requestURI))
	for i, v := range m.Vars {
		p.Set(m.Resource.varKeys[i], v.Value)
	}
	if m.Resource != nil && query != nil {
		for _, q := range m.Resource.qvars { // an api file's ?q={q}: bound when the request has q
			if v := query.Peek(q.param); v != nil {
				p.Set(q.key, string(v))
			}
		}
	}
	postfix := m.Postfix
	if i := bytes.IndexByte(requestURI, '?'); i >= 0 && i+1 < len(requestURI) {
		postfix = postfix + "?" + string(requestURI[i+1:])
	}
	if query != nil {
		query.VisitAll(func(k, v []byte) {
			p.Set(PrefixQueryParam+string(k), string(v))
		})
	}
	sub := postfix
	if sub == "" {
		sub = defaultSubPathRoot
	}
	p.Set(PropSubPath, sub)
	mc.SetRESTURLPostfix(postfix)
}

// MethodString returns a constant string for the common methods, so
// setting REST_METHOD or api.ut.HTTP_METHOD does not allocate.
func MethodString(m []byte) string {
	switch string(m) {
	case fasthttp.MethodGet:
		return fasthttp.MethodGet
	case fasthttp.MethodPost:
		return fasthttp.MethodPost
	case fasthttp.MethodPut:
		return fasthttp.MethodPut
	case fasthttp.MethodDelete:
		return fasthttp.MethodDelete
	case fasthttp.MethodPatch:
		return fasthttp.MethodPatch
	case fasthttp.MethodHead:
		return fasthttp.MethodHead
	case fasthttp.MethodOptions:
		return fasthttp.MethodOptions
	}
	return string(m)
}
