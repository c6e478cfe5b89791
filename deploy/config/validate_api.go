package config

import (
	"fmt"
	"net/url"
	"strings"
)

// httpMethods are the methods a resource may list (as WSO2 API-M offers).
var httpMethods = map[string]bool{
	"GET": true, "POST": true, "PUT": true, "DELETE": true,
	"PATCH": true, "HEAD": true, "OPTIONS": true,
}

// validateAPIs checks every API; errors name the API by its Synapse name
// (provider--name:vversion), the name its extension sequences carry.
func (c *Config) validateAPIs(p *problems, domains, tiers map[string]bool) {
	routes := map[string]int{} // tenant context/version -> index
	names := map[string]int{}  // tenant + Synapse API name -> index
	for i := range c.APIs {
		a := &c.APIs[i]
		at := fmt.Sprintf("apis[%d] (%s)", i, a.SynapseName())
		a.validateFields(p, at, domains, tiers)
		c.checkAuth(p, at, a.Auth)
		route := a.Tenant + " " + a.Context + "/" + a.Version
		if j, dup := routes[route]; dup && a.Context != "" {
			p.add("%s: context %s version %s already used by apis[%d] in tenant %s", at, a.Context, a.Version, j, a.Tenant)
		}
		routes[route] = i
		name := a.Tenant + " " + a.SynapseName()
		if j, dup := names[name]; dup && a.Name != "" {
			p.add("%s: same provider, name and version as apis[%d] in tenant %s", at, j, a.Tenant)
		}
		names[name] = i
		for r := range a.Resources {
			rat := fmt.Sprintf("%s: resources[%d]", at, r)
			a.Resources[r].validate(p, rat)
			if a.Resources[r].Auth != "" {
				c.checkAuth(p, rat, a.Resources[r].Auth)
			}
		}
	}
}

// SynapseName is the API's Synapse name as sequences.APIName builds it
// (provider--name:vversion, "@" written "-AT-"). It is repeated here, not
// imported, so that config stays a leaf package; a router test checks that
// both agree.
func (a *API) SynapseName() string {
	if a.File != nil { // an API-M api file names itself
		return a.File.SynapseName()
	}
	n := strings.ReplaceAll(a.Provider, "@", "-AT-") + "--" + a.Name
	if a.Version != "" {
		n += ":v" + a.Version
	}
	return n
}

func (a *API) validateFields(p *problems, at string, domains, tiers map[string]bool) {
	for _, f := range []struct{ key, v string }{
		{"provider", a.Provider}, {"name", a.Name}, {"version", a.Version}, {"context", a.Context},
	} {
		if strings.TrimSpace(f.v) == "" {
			p.add("%s: %s is required", at, f.key)
		}
	}
	if strings.ContainsAny(a.Version, "/?#{}* ") {
		p.add("%s: version %q must be one path segment", at, a.Version)
	}
	if a.Context != "" {
		checkContext(p, at, a.Context)
	}
	if !domains[a.Tenant] {
		p.add("%s: tenant %q is not declared in tenants", at, a.Tenant)
	}
	if !tierKnown(tiers, a.Tier) {
		p.add("%s: tier %q is not declared in tiers", at, a.Tier)
	}
	if len(a.Backend) == 0 {
		p.add("%s: backend: at least one URL is required", at)
	}
	for i, b := range a.Backend {
		if u, err := url.Parse(b); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.add("%s: backend[%d]: %q is not an http(s) URL", at, i, b)
		}
	}
}

// checkAuth checks an auth value: a comma-separated list of apikey,
// oauth2, basic and mtls, or none alone; mtls needs tls.client_ca.
func (c *Config) checkAuth(p *problems, at, v string) {
	set, err := ParseAuth(v)
	if err != nil {
		p.add("%s: auth %q: %w", at, v, err)
		return
	}
	if set.Has(AuthSetMTLS) && c.TLS.ClientCA == "" {
		p.add("%s: auth: mtls needs tls.client_ca (the CAs that sign client certificates)", at)
	}
}

func checkContext(p *problems, at, ctx string) {
	switch {
	case !strings.HasPrefix(ctx, "/"):
		p.add("%s: context %q must start with /", at, ctx)
	case ctx == "/":
		p.add("%s: context / is not allowed (an API needs its own context)", at)
	case ctx == "/t" || strings.HasPrefix(ctx, "/t/"):
		p.add("%s: context %q must not start with /t/ (set tenant instead)", at, ctx)
	case strings.ContainsAny(ctx, "?#{}* ") || strings.Contains(ctx, "//"):
		p.add("%s: context %q must be a plain path (no ?, #, {}, *, spaces or //)", at, ctx)
	}
}

func (r *Resource) validate(p *problems, at string) {
	for i, m := range r.Methods {
		if !httpMethods[m] {
			p.add("%s: methods[%d]: %q is not one of GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS", at, i, m)
		}
	}
	for i, sc := range r.Scopes {
		if strings.TrimSpace(sc) == "" || strings.ContainsAny(sc, " \t") {
			p.add("%s: scopes[%d]: %q must be one non-empty word", at, i, sc)
		}
	}
	if err := CheckURITemplate(r.URITemplate); err != nil {
		p.add("%s: uri_template %q: %w", at, r.URITemplate, err)
	}
}

// CheckURITemplate checks the template grammar the router implements: a
// path starting with "/", whose segments are literals, whole-segment
// {name} variables (names unique), or a final "*"; a "?query" part is
// allowed and ignored for matching.
func CheckURITemplate(t string) error {
	if !strings.HasPrefix(t, "/") {
		return fmt.Errorf("must start with /")
	}
	path, _, _ := strings.Cut(t, "?")
	segs := strings.Split(path[1:], "/")
	seen := map[string]bool{}
	for i, s := range segs {
		switch {
		case s == "*":
			if i != len(segs)-1 {
				return fmt.Errorf("* is allowed only as the last segment")
			}
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
			name := s[1 : len(s)-1]
			if name == "" || strings.ContainsAny(name, "{}*/") {
				return fmt.Errorf("segment %q: bad variable name", s)
			}
			if seen[name] {
				return fmt.Errorf("variable {%s} used twice", name)
			}
			seen[name] = true
		case strings.ContainsAny(s, "{}*"):
			return fmt.Errorf("segment %q: a variable or * must be a whole segment", s)
		case s == "" && i != len(segs)-1:
			return fmt.Errorf("empty segment (//)")
		}
	}
	return nil
}
