package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/seqgate/seqgate/sequences"
)

// API Manager's gateway files (a tenant's synapse-configs/default/api/*.xml,
// compiled by sequences.CompileAPI and deployed by deploy) become APIs of
// the config here, next to the YAML ones, so that every handler (auth,
// throttle, usage, CORS) and the router treat both alike. What a file says
// maps onto the config as follows:
//
//	<api context version version-type>   Context (the full path, version included, /t/<domain> dropped), Version
//	<api name="prov--Name">              Provider prov, Name Name
//	APIAuthenticationHandler             Auth: its APISecurity property (oauth2, api_key, basic_auth, mutualssl), else apikey;
//	                                     no such handler: auth none
//	CORSRequestHandler                   CORS on, allowedOrigins / allowedMethods / allowHeaders / allowCredentials
//	                                     (comma separated) over the global cors section
//	<resource methods uri-template>      Resources (the template as written; the router reads url-mapping)
//
// API-M keeps tiers, scopes and subscriptions in its key manager, not in
// these files: a file API has no tier (unlimited unless an application's
// own tier applies) and every application of its tenant may call it.

// FileAPI turns a compiled api file of tenant domain into a config API.
func FileAPI(domain string, a *sequences.API) API {
	c := API{File: a, Tenant: domain, Version: a.Version, Context: fileContext(domain, a), Auth: AuthNone}
	c.Provider, c.Name, _ = strings.Cut(a.Name, "--")
	if c.Name == "" { // no provider: API-M's own _TokenAPI_ and the like
		c.Provider, c.Name = "", a.Name
	}
	for i := range a.Handlers {
		h := &a.Handlers[i]
		switch h.Role {
		case sequences.RoleAuth:
			c.Auth = apiSecurity(h)
		case sequences.RoleCORS:
			c.CORS = handlerCORS(h)
		}
	}
	for _, r := range a.Resources {
		c.Resources = append(c.Resources, Resource{Methods: r.Methods, URITemplate: r.Template, File: r})
	}
	return c
}

// fileContext is the path the API serves within its tenant: API-M writes a
// tenant's contexts with their /t/<domain> prefix, which the router adds
// itself.
func fileContext(domain string, a *sequences.API) string {
	ctx := a.FullContext()
	if p := "/t/" + domain; domain != SuperTenantDomain && (ctx == p || strings.HasPrefix(ctx, p+"/")) {
		ctx = strings.TrimPrefix(ctx, p)
	}
	return strings.TrimSuffix(ctx, "/")
}

// apiSecurity maps APIAuthenticationHandler's APISecurity property (API-M
// 3.x/4.x: "oauth2,oauth_basic_auth_api_key_mandatory,api_key") onto auth
// methods; the *_mandatory markers have no seqgate counterpart (any listed
// credential is enough). API-M 2.x writes no property: apikey. API-M's
// publisher writes the name "APISecurity" (Synapse calls the handler's
// setAPISecurity); "apiSecurity", which seqgate read before, is still read.
func apiSecurity(h *sequences.APIHandler) string {
	v, ok := h.Prop("APISecurity")
	if !ok {
		v, _ = h.Prop("apiSecurity")
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		m := map[string]string{"oauth2": AuthOAuth2, "api_key": AuthAPIKey, "basic_auth": AuthBasic, "mutualssl": AuthMTLS}[strings.TrimSpace(s)]
		if m != "" && !strings.Contains(","+strings.Join(out, ",")+",", ","+m+",") {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return AuthAPIKey
	}
	return strings.Join(out, ",")
}

// handlerCORS is CORSRequestHandler's per-API configuration: CORS on, and
// the properties API-M's publisher writes when the API has its own
// corsConfiguration (unset ones follow the global cors section).
func handlerCORS(h *sequences.APIHandler) *CORS {
	on := true
	c := &CORS{Enable: &on}
	list := func(name string) []string {
		v, ok := h.Prop(name)
		if !ok {
			return nil
		}
		var out []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	c.AllowOrigins, c.AllowMethods, c.AllowHeaders = list("allowedOrigins"), list("allowedMethods"), list("allowHeaders")
	if v, ok := h.Prop("allowCredentials"); ok {
		b := strings.EqualFold(strings.TrimSpace(v), "true")
		c.AllowCredentials = &b
	}
	return c
}

// FileRefusal is a deployed api file the config cannot serve, and why.
type FileRefusal struct {
	File   string
	Line   int
	Tenant string
	Reason string
}

func (r FileRefusal) Error() string { return fmt.Sprintf("%s:%d: %s", r.File, r.Line, r.Reason) }

// WithFileAPIs returns a copy of c serving, besides its own APIs, the api
// files of each tenant (files by domain, each list in deploy order). A file
// whose context a YAML API or an earlier file already serves in its tenant
// is refused, never silently shadowed; so is one of a tenant the config
// does not declare. A default-version API (API-M's <name> without version
// whose versioned sibling <name> serves <context>/<version>) becomes an
// alias of that sibling, as API-M routes it there.
func (c *Config) WithFileAPIs(files map[string][]*sequences.API) (*Config, []FileRefusal) {
	if len(files) == 0 {
		return c, nil
	}
	out := *c
	out.APIs = append([]API(nil), c.APIs...)
	var refused []FileRefusal
	known := map[string]bool{SuperTenantDomain: true}
	for _, t := range c.Tenants {
		known[t.Domain] = true
	}
	served := map[string]string{} // tenant + " " + path -> who serves it
	for i := range c.APIs {
		a := &c.APIs[i]
		served[tenantOf(a.Tenant)+" "+a.Context+"/"+a.Version] = fmt.Sprintf("apis[%d] (%s) of the config", i, a.Name)
	}
	domains := make([]string, 0, len(files))
	for d := range files {
		domains = append(domains, d)
	}
	sort.Strings(domains)
	for _, d := range domains {
		var defaults []*sequences.API
		for _, f := range files[d] {
			if !known[d] {
				refused = append(refused, FileRefusal{f.File, f.Line, d, "tenant " + d + " is not declared in the config"})
				continue
			}
			if f.Version == "" && isDefaultVersion(f, files[d]) != nil {
				defaults = append(defaults, f)
				continue
			}
			api := FileAPI(d, f)
			key := d + " " + api.Context
			if who, dup := served[key]; dup {
				refused = append(refused, FileRefusal{f.File, f.Line, d, fmt.Sprintf("context %s is already served by %s", api.Context, who)})
				continue
			}
			served[key] = f.File
			out.APIs = append(out.APIs, api)
		}
		for _, f := range defaults {
			target := isDefaultVersion(f, files[d])
			ctx := fileContext(d, f)
			key := d + " " + ctx
			if who, dup := served[key]; dup {
				refused = append(refused, FileRefusal{f.File, f.Line, d, fmt.Sprintf("context %s is already served by %s", ctx, who)})
				continue
			}
			for i := range out.APIs {
				if out.APIs[i].File == target {
					out.APIs[i].Aliases = append(out.APIs[i].Aliases, ctx)
					served[key] = f.File
				}
			}
			if served[key] != f.File {
				refused = append(refused, FileRefusal{f.File, f.Line, d, "default-version api: its versioned api " + target.File + " is not served"})
			}
		}
	}
	return &out, refused
}

// isDefaultVersion returns the versioned API f is the default version of:
// same name, context f's plus /<version>. nil: f is an API of its own.
func isDefaultVersion(f *sequences.API, all []*sequences.API) *sequences.API {
	for _, v := range all {
		if v != f && v.Version != "" && v.Name == f.Name && v.FullContext() == strings.TrimSuffix(f.FullContext(), "/")+"/"+v.Version {
			return v
		}
	}
	return nil
}

func tenantOf(domain string) string {
	if domain == "" {
		return SuperTenantDomain
	}
	return domain
}
