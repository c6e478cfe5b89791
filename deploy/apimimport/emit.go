package apimimport

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

var badName = regexp.MustCompile(`[/\\\x00-\x1f\x7f]`)

// emit maps one spec into the config.
func (im *importer) emit(s *spec) {
	where := func(n *yaml.Node) int { return line(n) }
	if t := str(s.apiType); t != "" && !strings.EqualFold(t, "HTTP") {
		im.note(s.file, where(s.apiType), "not imported: API type %q (only HTTP/REST APIs are)", t)
		return
	}
	if s.implementationInl != nil {
		im.note(s.file, where(s.implementationInl), "not imported: %s implementation (a mock or inline script, no backend)", str(s.implementationInl))
		return
	}
	for _, f := range []struct{ k, v string }{{"provider", s.provider}, {"name", s.name}, {"version", s.version}} {
		if f.v == "" {
			im.note(s.file, 0, "not imported: no API %s", f.k)
			return
		}
		if badName.MatchString(f.v) || f.v == "." || f.v == ".." || (f.k == "version" && strings.ContainsAny(f.v, "?#{}* ")) {
			im.note(s.file, 0, "not imported: API %s %q cannot name files or one path segment", f.k, f.v)
			return
		}
	}
	a := API{Provider: s.provider, Name: s.name, Version: s.version}
	name := a.SynapseName()

	// Tenant: the option, else /t/<domain> in the context, else provider@domain.
	ctx := s.context
	tenant := ""
	if strings.HasPrefix(ctx, "/t/") {
		rest := strings.TrimPrefix(ctx, "/t/")
		i := strings.IndexByte(rest, '/')
		if i > 0 {
			tenant, ctx = rest[:i], rest[i:]
		}
	}
	if tenant == "" {
		if i := strings.LastIndexByte(s.provider, '@'); i > 0 && strings.Contains(s.provider[i+1:], ".") {
			tenant = s.provider[i+1:]
		}
	}
	if im.opt.Tenant != "" {
		tenant = im.opt.Tenant
	}
	tenant = strings.ToLower(tenant) // domains are lower case in the config, as in URLs
	if tenant == "carbon.super" {
		tenant = ""
	}
	byName := tenant + " " + name
	if prev, dup := im.seen[byName]; dup {
		im.note(s.file, where(s.ctxNode), "not imported: %s is already imported from %s", name, prev)
		return
	}

	// Context: seqgate serves <context>/<version>, so the version comes off.
	switch {
	case strings.HasSuffix(ctx, "/{version}"):
		ctx = strings.TrimSuffix(ctx, "/{version}")
	case strings.Contains(ctx, "{version}"):
		fixed := strings.ReplaceAll(strings.ReplaceAll(ctx, "/{version}", ""), "{version}", "")
		im.note(s.file, where(s.ctxNode), "context %q has the version inside it: seqgate serves <context>/<version>, mapped as %s/%s", s.context, fixed, s.version)
		ctx = fixed
	case s.ctxHasVersion && strings.HasSuffix(ctx, "/"+s.version):
		ctx = strings.TrimSuffix(ctx, "/"+s.version) // 3.x context: /pizzashack/1.0.0
	}
	ctx = strings.TrimSuffix(ctx, "/")
	if ctx == "" || !strings.HasPrefix(ctx, "/") || strings.ContainsAny(ctx, "?#{}* ") || strings.Contains(ctx, "//") {
		im.note(s.file, where(s.ctxNode), "not imported: context %q is not one seqgate can serve", s.context)
		return
	}
	a.Context = ctx
	byURL := tenant + " " + ctx + "/" + s.version
	if prev, dup := im.seen[byURL]; dup {
		im.note(s.file, where(s.ctxNode), "not imported: %s/%s is already served by the API from %s", ctx, s.version, prev)
		return
	}
	if boolean(s.isDefault) {
		im.note(s.file, where(s.isDefault), "isDefaultVersion: the version-less URL %s is not served, only %s/%s", ctx, ctx, s.version)
	}

	// Backends: production endpoints are backend, sandbox endpoints
	// sandbox_backend (SANDBOX keys reach them, as in API-M).
	if s.endpoint != nil {
		a.Backend, a.SandboxBackend = im.endpointURLs(s.endpoint, s.file)
	} else {
		a.Backend, a.SandboxBackend = s.backendURLs, s.sandboxURLs
	}
	plain := func(urls []string, n *yaml.Node, what string) []string {
		if s.endpoint != nil {
			n = s.endpoint
		}
		var kept []string
		for _, u := range urls {
			if pu, err := url.Parse(u); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" || strings.ContainsAny(u, "{}") {
				im.note(s.file, where(n), "%s %q is not a plain http(s) URL: left out", what, u)
				continue
			}
			kept = append(kept, u)
		}
		return kept
	}
	a.Backend = plain(a.Backend, s.backendNode, "backend")
	a.SandboxBackend = plain(a.SandboxBackend, s.sandboxNode, "sandbox backend")
	if len(a.Backend) == 0 {
		im.note(s.file, where(s.ctxNode), "not imported: %s has no production endpoint seqgate can call", name)
		return
	}

	// Auth.
	auth, ok := im.auth(s)
	if !ok {
		return
	}
	a.Auth = auth

	// Tiers.
	if len(s.policies) > 0 {
		a.Tier = im.useTier(s.policies[0], s.file, s.policiesNode, "subscription")
		if len(s.policies) > 1 {
			im.note(s.file, where(s.policiesNode), "subscription tiers %s: tier is the first, %s; give applications subscriptions[].tier for the others", strings.Join(s.policies, ", "), s.policies[0])
		}
	}
	a.APITier = im.useTier(s.apiTier, s.file, s.apiTierNode, "API")

	// Resources.
	scoped := false
	for _, o := range s.ops {
		if o.verb == "" || !strings.HasPrefix(o.target, "/") {
			im.note(o.file, where(o.node), "resource %s %q: no method or a template not starting with /: left out", o.verb, o.target)
			continue
		}
		tmpl, why := uriTemplate(o.target)
		if why != "" {
			im.note(o.file, where(o.node), "resource %s %s: %s: left out", o.verb, o.target, why)
			continue
		}
		r := Resource{Methods: []string{o.verb}, URITemplate: tmpl, Tier: im.useTier(o.tier, o.file, o.node, "resource")}
		if o.authNone {
			r.Auth = "none"
		} else if len(o.scopes) > 0 {
			r.Scopes = dedupe(o.scopes)
			scoped = true
		}
		if n := len(a.Resources); n > 0 && sameButMethod(a.Resources[n-1], r) {
			a.Resources[n-1].Methods = append(a.Resources[n-1].Methods, o.verb)
			continue
		}
		a.Resources = append(a.Resources, r)
	}
	if len(s.ops) > 0 && len(a.Resources) == 0 {
		im.note(s.file, 0, "not imported: %s: none of its resources could be mapped", name)
		return
	}
	if scoped && !strings.Contains(auth, "oauth2") && !strings.Contains(auth, "basic") {
		im.note(s.file, where(s.schemesNode), "scopes are checked on oauth2 tokens and basic users only: with auth %s they are not enforced", auth)
	}

	a.CORS = im.cors(s)

	// Sequences.
	var seqDone []string
	var have [3]bool
	for i, ref := range s.seqs {
		if ref.name == "" {
			continue
		}
		if im.sequence(s, i, ref, name, tenant) {
			seqDone = append(seqDone, flows[i])
			have[i] = true
		}
	}
	if s.src != nil {
		built := im.policySequences(s, name, tenant, have)
		for i := range built {
			built[i] += " (policies)"
		}
		seqDone = append(seqDone, built...)
		im.unusedSequences(s)
	}

	if tenant != "" {
		im.tenant(tenant)
		a.Tenant = tenant
	}
	if strings.Contains(auth, "oauth2") && !im.issuers[tenant] {
		im.issuers[tenant] = true
		if im.res.Config.Security == nil {
			im.res.Config.Security = &Security{}
		}
		im.res.Config.Security.JWT.Issuers = append(im.res.Config.Security.JWT.Issuers, Issuer{Issuer: issuerValue, JWKSURL: jwksValue, Tenant: tenant})
	}
	im.seen[byName], im.seen[byURL] = s.file, s.file
	im.res.Config.APIs = append(im.res.Config.APIs, a)
	line := fmt.Sprintf("%s: %s at %s/%s", s.file, name, a.Context, a.Version)
	if a.Tenant != "" {
		line += " (tenant " + a.Tenant + ")"
	}
	line += fmt.Sprintf(", %d resources, auth %s", len(a.Resources), orDefault(a.Auth, "apikey"))
	if a.Tier != "" || a.APITier != "" {
		line += fmt.Sprintf(", tier %s api_tier %s", orDefault(a.Tier, "-"), orDefault(a.APITier, "-"))
	}
	if len(seqDone) > 0 {
		line += ", sequences " + strings.Join(seqDone, ", ")
	}
	im.res.Done = append(im.res.Done, line)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func sameButMethod(a, b Resource) bool {
	return a.URITemplate == b.URITemplate && a.Auth == b.Auth && a.Tier == b.Tier && strings.Join(a.Scopes, " ") == strings.Join(b.Scopes, " ")
}

// uriTemplate checks a resource path against seqgate's templates: literal
// segments, whole-segment {var}, a final *.
func uriTemplate(t string) (string, string) {
	p := t
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range segs {
		switch {
		case s == "*" && i == len(segs)-1:
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") && strings.Count(s, "{") == 1 && len(s) > 2:
		case strings.ContainsAny(s, "{}*"):
			return "", fmt.Sprintf("segment %q: seqgate's templates have whole-segment {var} and a final * only", s)
		}
	}
	return t, ""
}

// auth maps API-M's security schemes onto seqgate's method list. false
// means the API cannot be served as it was secured (reported).
func (im *importer) auth(s *spec) (string, bool) {
	schemes := s.schemes
	if len(schemes) == 0 {
		schemes = []string{"oauth2"} // API-M's default
	}
	var methods []string
	mandatoryMTLS, mandatoryApp := false, false
	hasMTLS := false
	for _, sc := range schemes {
		switch strings.ToLower(sc) {
		case "oauth2":
			methods = append(methods, "oauth2")
		case "api_key", "apikey":
			methods = append(methods, "apikey")
		case "basic_auth":
			im.note(s.file, line(s.schemesNode), "security scheme basic_auth not mapped: it needs security.basic.users (add basic to auth after adding them)")
		case "mutualssl":
			hasMTLS = true
		case "mutualssl_mandatory":
			mandatoryMTLS = true
		case "oauth_basic_auth_api_key_mandatory":
			mandatoryApp = true
		case "mutualssl_optional", "oauth_basic_auth_api_key_optional":
		default:
			im.note(s.file, line(s.schemesNode), "security scheme %q not mapped", sc)
		}
	}
	if hasMTLS {
		im.note(s.file, line(s.schemesNode), "security scheme mutualssl not mapped: it needs tls.client_ca (add mtls to auth after setting it)")
		if mandatoryMTLS && mandatoryApp && len(methods) > 0 {
			im.note(s.file, line(s.schemesNode), "mutual TLS and an application credential were both mandatory: seqgate accepts any one of the methods listed")
		}
	}
	if len(methods) == 0 {
		im.note(s.file, line(s.schemesNode), "not imported: %s: none of its security schemes (%s) can be mapped without more config", synapseName(s.provider, s.name, s.version), strings.Join(schemes, ", "))
		return "", false
	}
	return strings.Join(dedupe(methods), ","), true
}

// endpointURLs reads endpointConfig's production and sandbox endpoints:
// each one {url: ...} or a list of them (load_balance); failover keeps the
// primaries (production_failovers / sandbox_failovers are not used).
func (im *importer) endpointURLs(ep *yaml.Node, file string) (prod, sandbox []string) {
	t := strings.ToLower(str(get(ep, "endpoint_type")))
	switch t {
	case "", "http", "address", "load_balance":
	case "failover":
		im.note(file, line(ep), "failover endpoints: only the production and sandbox primaries are used")
	default:
		im.note(file, line(ep), "endpoint_type %q not mapped", t)
		return nil, nil
	}
	if n := get(ep, "endpoint_security"); n != nil && (boolean(get(n, "production", "enabled")) || boolean(get(n, "sandbox", "enabled"))) {
		im.note(file, line(n), "endpoint_security (backend credentials) not mapped: add them with a sequence")
	}
	urls := func(n *yaml.Node) []string {
		var out []string
		if n != nil && n.Kind == yaml.SequenceNode {
			for _, e := range n.Content {
				if u := str(get(e, "url")); u != "" {
					out = append(out, u)
				}
			}
		} else if u := str(get(n, "url")); u != "" {
			out = append(out, u)
		}
		return out
	}
	return urls(get(ep, "production_endpoints")), urls(get(ep, "sandbox_endpoints"))
}

// cors maps corsConfiguration (x-wso2-cors) when it is enabled.
func (im *importer) cors(s *spec) *CORS {
	c := s.cors
	if c == nil || !boolean(get(c, "corsConfigurationEnabled")) {
		return nil
	}
	t := true
	out := &CORS{Enable: &t,
		AllowOrigins: strs(get(c, "accessControlAllowOrigins")),
		AllowMethods: strs(get(c, "accessControlAllowMethods")),
		AllowHeaders: strs(get(c, "accessControlAllowHeaders")),
	}
	if n := get(c, "accessControlAllowCredentials"); n != nil {
		v := boolean(n)
		out.AllowCredentials = &v
	}
	return out
}

// replaceAll is strings.ReplaceAll (model.go stays free of imports).
func replaceAll(s, old, new string) string { return strings.ReplaceAll(s, old, new) }
