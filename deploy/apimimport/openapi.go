package apimimport

import (
	"net/url"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// openAPIFile declares an API from a plain OpenAPI 3 / Swagger 2 file, as
// `apictl init --oas` and APISIX / decK do: title and version name it,
// x-wso2-basePath (else the server's path) is its context, and
// x-wso2-production-endpoints (else the server URL) its backend.
func (im *importer) openAPIFile(doc *yaml.Node, file string) {
	s := &spec{file: file, defFile: file, provider: im.opt.Provider}
	info := get(doc, "info")
	s.name = strings.ReplaceAll(str(get(info, "title")), " ", "")
	s.version = strings.ReplaceAll(str(get(info, "version")), " ", "")
	if p := str(get(doc, "x-wso2-provider")); p != "" {
		s.provider = p
	}
	var serverURL string
	var serverNode *yaml.Node
	if srv := items(get(doc, "servers")); len(srv) > 0 { // OpenAPI 3
		serverNode = get(srv[0], "url")
		serverURL = str(serverNode)
		if len(srv) > 1 {
			im.note(file, line(srv[1]), "servers after the first are not used")
		}
	} else if h := str(get(doc, "host")); h != "" { // Swagger 2
		scheme := "https"
		if sc := strs(get(doc, "schemes")); len(sc) > 0 {
			scheme = sc[0]
		}
		serverNode = get(doc, "host")
		serverURL = scheme + "://" + h + str(get(doc, "basePath"))
	}
	s.ctxNode = get(doc, "x-wso2-basePath")
	s.context = str(s.ctxNode)
	if s.context == "" {
		if bp := get(doc, "basePath"); str(bp) != "" {
			s.ctxNode, s.context = bp, str(bp)
		} else if u, err := url.Parse(serverURL); err == nil && u.Path != "" && u.Path != "/" {
			s.ctxNode, s.context = serverNode, u.Path
		} else {
			s.ctxNode, s.context = get(info, "title"), "/"+strings.ToLower(s.name)
		}
	}
	s.ctxHasVersion = true // an exported definition's x-wso2-basePath: /pizzashack/1.0.0
	if ep := get(doc, "x-wso2-production-endpoints"); ep != nil {
		s.backendNode = ep
		s.backendURLs = strs(get(ep, "urls"))
		if t := str(get(ep, "type")); t != "" && t != "loadbalance" && t != "load_balance" {
			im.note(file, line(ep), "x-wso2-production-endpoints type %q: mapped as round-robin over the urls", t)
		}
	} else if serverURL != "" {
		s.backendNode, s.backendURLs = serverNode, []string{serverURL}
	}
	if ep := get(doc, "x-wso2-sandbox-endpoints"); ep != nil {
		s.sandboxNode = ep
		s.sandboxURLs = strs(get(ep, "urls"))
		if t := str(get(ep, "type")); t != "" && t != "http" && t != "loadbalance" && t != "load_balance" {
			im.note(file, line(ep), "x-wso2-sandbox-endpoints type %q: mapped as round-robin over the urls", t)
		}
	}
	s.cors = get(doc, "x-wso2-cors")
	if s.cors != nil && get(s.cors, "corsConfigurationEnabled") == nil {
		// apictl treats the extension's presence as enabled.
		s.cors = &yaml.Node{Kind: yaml.MappingNode, Line: s.cors.Line, Content: append([]*yaml.Node{
			{Kind: yaml.ScalarNode, Value: "corsConfigurationEnabled"}, {Kind: yaml.ScalarNode, Value: "true", Tag: "!!bool"}}, s.cors.Content...)}
	}
	s.apiTierNode = get(doc, "x-throttling-tier")
	s.apiTier = str(s.apiTierNode)
	ops, schemes, schemesNode := im.openAPIOps(doc, file)
	s.ops, s.schemes, s.schemesNode = ops, schemes, schemesNode
	im.emit(s)
}

var httpMethods = []string{"get", "put", "post", "delete", "patch", "head", "options"}

// openAPIOps reads the paths of an OpenAPI 3 / Swagger 2 document, with
// API-M's extensions: x-auth-type, x-throttling-tier, x-scope and the
// operation's security scopes. It also returns the API's security
// methods: x-wso2-application-security (API-M 4.x), else the schemes of
// the document's top-level security.
func (im *importer) openAPIOps(doc *yaml.Node, file string) ([]op, []string, *yaml.Node) {
	kinds := map[string]string{} // scheme name -> seqgate method
	defs := get(doc, "components", "securitySchemes")
	if defs == nil {
		defs = get(doc, "securityDefinitions")
	}
	for _, p := range pairs(defs) {
		kinds[p[0].Value] = schemeKind(p[1])
	}
	var apiSchemes []string
	var apiNode *yaml.Node
	if sec := get(doc, "x-wso2-application-security"); sec != nil {
		apiNode = get(sec, "security-types")
		apiSchemes = strs(apiNode)
		if get(doc, "x-wso2-mutual-ssl") != nil {
			apiSchemes = append(apiSchemes, "mutualssl")
		}
	} else if top := get(doc, "security"); top != nil {
		apiNode = top
		for _, req := range items(top) {
			for _, p := range pairs(req) {
				if k := kinds[p[0].Value]; k != "" {
					apiSchemes = append(apiSchemes, k)
				} else {
					im.note(file, line(p[0]), "security scheme %q: not declared or of a kind seqgate has no method for", p[0].Value)
				}
			}
		}
	}
	// Scopes of the top-level requirement apply to operations that name
	// no security of their own.
	var topScopes []string
	for _, req := range items(get(doc, "security")) {
		for _, kv := range pairs(req) {
			topScopes = append(topScopes, strs(kv[1])...)
		}
	}
	var ops []op
	for _, pp := range pairs(get(doc, "paths")) {
		target := pp[0].Value
		for _, m := range httpMethods {
			o := get(pp[1], m)
			if o == nil {
				continue
			}
			p := op{verb: strings.ToUpper(m), target: target, node: o, file: file, tier: str(get(o, "x-throttling-tier"))}
			p.authNone = isNoneAuth(str(get(o, "x-auth-type")))
			if sec := get(o, "security"); sec == nil {
				p.scopes = append(p.scopes, topScopes...)
			} else {
				if sec.Kind == yaml.SequenceNode && len(sec.Content) == 0 {
					p.authNone = true // security: [] opens the operation
				}
				for _, req := range items(sec) {
					for _, kv := range pairs(req) {
						p.scopes = append(p.scopes, strs(kv[1])...)
					}
				}
			}
			if sc := str(get(o, "x-scope")); sc != "" { // API-M 2.x definitions
				p.scopes = append(p.scopes, sc)
			}
			ops = append(ops, p)
		}
	}
	return ops, apiSchemes, apiNode
}

// schemeKind maps an OpenAPI security scheme to API-M's scheme name.
func schemeKind(n *yaml.Node) string {
	switch strings.ToLower(str(get(n, "type"))) {
	case "oauth2", "openidconnect":
		return "oauth2"
	case "apikey":
		return "api_key"
	case "basic":
		return "basic_auth"
	case "http":
		switch strings.ToLower(str(get(n, "scheme"))) {
		case "basic":
			return "basic_auth"
		case "bearer":
			return "oauth2"
		}
	case "mutualtls":
		return "mutualssl"
	}
	return ""
}
