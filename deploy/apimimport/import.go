package apimimport

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Options steer an import.
type Options struct {
	// Tenant puts every API in this tenant (a domain), whatever the
	// project says; "" keeps the project's (its /t/<domain> context or
	// provider@domain), else the super tenant.
	Tenant string
	// TenantID is Tenant's id (its repository/tenants/<id> folder);
	// default 1. Tenants found in projects get the next free ids.
	TenantID int
	// Provider is the provider of APIs read from a plain OpenAPI file
	// (default "admin", as apictl init uses).
	Provider string
}

// Defaults written for oauth2 APIs: API-M's own key manager (the resident
// one on 9443). Each can be changed with the environment variable in the
// written value, or by editing the file.
const (
	issuerValue = "${SEQGATE_APIM_ISSUER:-https://localhost:9443/oauth2/token}"
	jwksValue   = "${SEQGATE_APIM_JWKS:-https://localhost:9443/oauth2/jwks}"
)

// apimTiers are API-M's default throttling policies (subscription: Gold,
// Silver, Bronze, Unauthenticated; advanced, for APIs and resources:
// 10KPerMin, 20KPerMin, 50KPerMin). A project names tiers but does not
// carry their limits (they live in the admin portal), so only these are
// defined; any other is reported.
var apimTiers = map[string]int{
	"Gold": 5000, "Silver": 2000, "Bronze": 1000, "Unauthenticated": 500,
	"10KPerMin": 10000, "20KPerMin": 20000, "50KPerMin": 50000,
}

// Import reads every input (project folder, project zip, OpenAPI/Swagger
// file) and returns the config, sequences and notes. An input that cannot
// be read at all is an error; anything less is a note.
func Import(inputs []string, opt Options) (*Result, error) {
	if opt.Provider == "" {
		opt.Provider = "admin"
	}
	if opt.TenantID == 0 {
		opt.TenantID = 1
	}
	im := &importer{opt: opt, res: &Result{}, tiers: map[string]bool{}, tenantIDs: map[string]int{}, issuers: map[string]bool{}, seen: map[string]string{}}
	im.res.Config.Repository = "." // the output folder is a WSO2 home: ./repository/deployment/...
	if opt.Tenant != "" {
		im.tenant(opt.Tenant)
	}
	for _, in := range inputs {
		if err := im.input(in); err != nil {
			return nil, err
		}
	}
	sort.Strings(im.tierOrder)
	for _, t := range im.tierOrder {
		im.res.Config.Tiers = append(im.res.Config.Tiers, Tier{Name: t, Requests: apimTiers[t], Unit: "1m"})
	}
	return im.res, nil
}

type importer struct {
	opt       Options
	res       *Result
	tiers     map[string]bool
	tierOrder []string
	tenantIDs map[string]int
	issuers   map[string]bool
	seen      map[string]string // "tenant synapse-name" and "tenant context/version" -> the file imported from
}

func (im *importer) note(file string, ln int, format string, a ...any) {
	im.res.Notes = append(im.res.Notes, Note{File: file, Line: ln, Msg: fmt.Sprintf(format, a...)})
}

// input dispatches one command-line argument.
func (im *importer) input(in string) error {
	st, err := os.Stat(in)
	if err != nil {
		return err
	}
	ext := strings.ToLower(filepath.Ext(in))
	if !st.IsDir() && ext != ".zip" {
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			return fmt.Errorf("%s: not a project folder, a .zip, or an OpenAPI .yaml/.yml/.json file", in)
		}
		data, err := readBounded(in)
		if err != nil {
			return err
		}
		doc, err := parseDoc(data, in)
		if err != nil {
			return err
		}
		if get(doc, "openapi") == nil && get(doc, "swagger") == nil {
			return fmt.Errorf("%s: neither an OpenAPI 3 (openapi:) nor a Swagger 2 (swagger:) document; for an API project give its folder or zip", in)
		}
		im.openAPIFile(doc, in)
		return nil
	}
	src, err := openSource(in)
	if err != nil {
		return err
	}
	roots := src.projectRoots()
	if len(roots) == 0 {
		return fmt.Errorf("%s: no API project in it (no api.yaml, api.json or Meta-information/api.yaml)", in)
	}
	for _, r := range roots {
		im.project(src, r)
	}
	return nil
}

func readBounded(p string) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%s: %d bytes, larger than %d", p, st.Size(), MaxFileBytes)
	}
	return os.ReadFile(p)
}

// spec is one API as read, before it is mapped: the project's fields with
// the nodes notes point at.
type spec struct {
	file, defFile     string // the api.yaml (or OpenAPI file) and the definition
	provider, name    string
	version, context  string
	ctxNode           *yaml.Node
	apiType           *yaml.Node
	schemes           []string
	schemesNode       *yaml.Node
	policies          []string
	policiesNode      *yaml.Node
	apiTier           string
	apiTierNode       *yaml.Node
	endpoint          *yaml.Node // endpointConfig (mapping; 3.x JSON strings are decoded)
	backendURLs       []string   // from OpenAPI (x-wso2-production-endpoints, servers)
	sandboxURLs       []string   // from OpenAPI (x-wso2-sandbox-endpoints)
	sandboxNode       *yaml.Node
	backendNode       *yaml.Node
	ops               []op
	cors              *yaml.Node
	isDefault         *yaml.Node
	seqs              [3]seqRef // in, out, fault
	src               *source
	root              string
	implementationInl *yaml.Node
	used              []string // sequence files deployed
	apiPolicies       [3][]policyRef
	ctxHasVersion     bool // 3.x context without contextTemplate: /pizzashack/1.0.0
}

type seqRef struct {
	name string
	node *yaml.Node
}

type op struct {
	verb, target string
	authNone     bool
	tier         string
	scopes       []string
	node         *yaml.Node // for the line
	file         string
	policies     [3][]policyRef // request, response, fault (API-M 4.1+)
}

var flows = [3]string{"In", "Out", "Fault"}

// project reads one API-M project rooted at root in src.
func (im *importer) project(src *source, root string) {
	j := func(p string) string { return path.Join(root, p) }
	var apiFile string
	v3 := false
	for _, c := range []string{"api.yaml", "api.json", "Meta-information/api.yaml", "Meta-information/api.json"} {
		if src.has(j(c)) {
			apiFile, v3 = j(c), strings.HasPrefix(c, "Meta-information/")
			break
		}
	}
	disp := src.display(apiFile)
	data, err := src.readFile(apiFile)
	if err != nil {
		im.note(disp, 0, "not imported: %v", err)
		return
	}
	top, err := parseDoc(data, disp)
	if err != nil {
		im.note(disp, 0, "not imported: %v", err)
		return
	}
	s := &spec{file: disp, src: src, root: root}
	if v3 || get(top, "data") == nil {
		im.readV3(s, top)
	} else {
		if t := str(get(top, "type")); t != "api" {
			im.note(disp, line(get(top, "type")), "not imported: type %q (only REST APIs, type: api, are; API products and applications are not)", t)
			return
		}
		im.readV4(s, get(top, "data"))
	}
	// apictl applies these per environment when it imports; seqgate has
	// one environment, the config, so they are named, not guessed at.
	for _, c := range []string{"api_params.yaml", "params.yaml"} {
		if src.has(j(c)) {
			im.note(src.display(j(c)), 0, "environment parameters are not applied: put the environment's endpoints and settings in the config")
		}
	}
	// The definition: where api.yaml lists no operations (a dev-first
	// project), its paths are the resources.
	for _, c := range []string{"Definitions/swagger.yaml", "Definitions/swagger.json", "Meta-information/swagger.yaml", "Meta-information/swagger.json"} {
		if !src.has(j(c)) {
			continue
		}
		s.defFile = src.display(j(c))
		if len(s.ops) > 0 {
			break
		}
		b, err := src.readFile(j(c))
		if err != nil {
			im.note(s.defFile, 0, "not read: %v", err)
			break
		}
		doc, err := parseDoc(b, s.defFile)
		if err != nil {
			im.note(s.defFile, 0, "not read: %v", err)
			break
		}
		ops, schemes, _ := im.openAPIOps(doc, s.defFile)
		s.ops = ops
		if len(s.schemes) == 0 {
			s.schemes = schemes
		}
		break
	}
	im.emit(s)
}

// readV4 reads API-M 4.x's api.yaml data section.
func (im *importer) readV4(s *spec, d *yaml.Node) {
	s.provider, s.name, s.version = str(get(d, "provider")), str(get(d, "name")), str(get(d, "version"))
	s.ctxNode = get(d, "context")
	s.context = str(s.ctxNode)
	s.apiType = get(d, "type")
	s.schemesNode = get(d, "securityScheme")
	s.schemes = strs(s.schemesNode)
	s.policiesNode = get(d, "policies")
	s.policies = strs(s.policiesNode)
	s.apiTierNode = get(d, "apiThrottlingPolicy")
	s.apiTier = str(s.apiTierNode)
	s.endpoint = im.endpointConfig(get(d, "endpointConfig"), s.file)
	s.cors = get(d, "corsConfiguration")
	s.isDefault = get(d, "isDefaultVersion")
	if t := get(d, "endpointImplementationType"); strings.EqualFold(str(t), "INLINE") || strings.EqualFold(str(t), "MOCKED_OAS") {
		s.implementationInl = t
	}
	im.unmapped(s, d, "enableSchemaValidation", "responseCachingEnabled")
	for _, o := range items(get(d, "operations")) {
		p := op{verb: strings.ToUpper(str(get(o, "verb"))), target: str(get(o, "target")), node: o, file: s.file,
			tier: str(get(o, "throttlingPolicy")), scopes: strs(get(o, "scopes"))}
		p.authNone = isNoneAuth(str(get(o, "authType")))
		for i, fl := range []string{"request", "response", "fault"} {
			p.policies[i] = readPolicyRefs(get(o, "operationPolicies", fl))
		}
		s.ops = append(s.ops, p)
	}
	for i, fl := range []string{"request", "response", "fault"} {
		s.apiPolicies[i] = readPolicyRefs(get(d, "apiPolicies", fl))
	}
	// 4.0 lists its custom sequences as mediationPolicies.
	for _, m := range items(get(d, "mediationPolicies")) {
		i := map[string]int{"in": 0, "out": 1, "fault": 2}[strings.ToLower(str(get(m, "type")))]
		if t := strings.ToLower(str(get(m, "type"))); t != "in" && t != "out" && t != "fault" {
			im.note(s.file, line(m), "mediation policy of type %q not mapped", t)
			continue
		}
		s.seqs[i] = seqRef{str(get(m, "name")), m}
	}
}

// readV3 reads API-M 3.x's Meta-information/api.yaml (the API object as
// API-M serialises it: id.providerName, uriTemplates, a JSON endpointConfig).
func (im *importer) readV3(s *spec, d *yaml.Node) {
	s.provider, s.name, s.version = str(get(d, "id", "providerName")), str(get(d, "id", "apiName")), str(get(d, "id", "version"))
	s.ctxNode = get(d, "contextTemplate")
	if str(s.ctxNode) == "" {
		s.ctxNode, s.ctxHasVersion = get(d, "context"), true
	}
	s.context = str(s.ctxNode)
	s.apiType = get(d, "type")
	s.schemesNode = get(d, "apiSecurity")
	s.schemes = strs(s.schemesNode)
	s.policiesNode = get(d, "availableTiers")
	s.policies = strs(s.policiesNode)
	s.apiTierNode = get(d, "apiLevelPolicy")
	s.apiTier = str(s.apiTierNode)
	s.endpoint = im.endpointConfig(get(d, "endpointConfig"), s.file)
	s.cors = get(d, "corsConfiguration")
	s.isDefault = get(d, "isDefaultVersion")
	if t := get(d, "implementation"); strings.EqualFold(str(t), "INLINE") {
		s.implementationInl = t
	}
	im.unmapped(s, d, "enableSchemaValidation", "responseCache")
	for _, u := range items(get(d, "uriTemplates")) {
		verb := str(get(u, "HTTPVerb"))
		if verb == "" {
			verb = str(get(u, "httpVerb"))
		}
		p := op{verb: strings.ToUpper(verb), target: str(get(u, "uriTemplate")), node: u, file: s.file,
			tier: str(get(u, "throttlingTier"))}
		p.authNone = isNoneAuth(str(get(u, "authType")))
		for _, sc := range items(get(u, "scopes")) {
			if k := str(get(sc, "key")); k != "" {
				p.scopes = append(p.scopes, k)
			}
		}
		if sc := get(u, "scope"); str(get(sc, "key")) != "" {
			p.scopes = append(p.scopes, str(get(sc, "key")))
		}
		s.ops = append(s.ops, p)
	}
	for i, k := range []string{"inSequence", "outSequence", "faultSequence"} {
		if n := get(d, k); str(n) != "" {
			s.seqs[i] = seqRef{str(n), n}
		}
	}
}

// unmapped reports API settings seqgate has no per-API equivalent for,
// when the project turns them on, and a credential header other than the
// one seqgate reads.
func (im *importer) unmapped(s *spec, d *yaml.Node, flags ...string) {
	for _, k := range flags {
		if n := get(d, k); boolean(n) || strings.EqualFold(str(n), "Enabled") {
			im.note(s.file, line(n), "%s is on: not mapped (no per-API equivalent; a sequence can do it)", k)
		}
	}
	if n := get(d, "authorizationHeader"); str(n) != "" && !strings.EqualFold(str(n), "Authorization") {
		im.note(s.file, line(n), "authorizationHeader %q not mapped: tokens are read from Authorization", str(n))
	}
	if n := get(d, "apiKeyHeader"); str(n) != "" && !strings.EqualFold(str(n), "apikey") {
		im.note(s.file, line(n), "apiKeyHeader %q not mapped: keys are read from apikey (or Authorization: Bearer)", str(n))
	}
}

// endpointConfig returns the endpointConfig mapping; 3.x writes it as a
// JSON string, decoded here (its lines are then the string's).
func (im *importer) endpointConfig(n *yaml.Node, file string) *yaml.Node {
	if n == nil || n.Kind != yaml.ScalarNode {
		return n
	}
	if str(n) == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(n.Value), &v); err != nil {
		im.note(file, n.Line, "endpointConfig is not JSON: %v", err)
		return nil
	}
	var out yaml.Node
	if err := out.Encode(v); err != nil {
		return nil
	}
	setLine(&out, n.Line)
	return &out
}

func setLine(n *yaml.Node, l int) {
	n.Line = l
	for _, c := range n.Content {
		setLine(c, l)
	}
}

// isNoneAuth: API-M's per-resource auth type "None" (x-auth-type in the
// definition, authType in api.yaml) opens the resource without a credential.
func isNoneAuth(t string) bool { return strings.EqualFold(strings.TrimSpace(t), "none") }

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

// tenant returns the id of domain, giving it one the first time.
func (im *importer) tenant(domain string) int {
	if id, ok := im.tenantIDs[domain]; ok {
		return id
	}
	id := im.opt.TenantID
	if domain != im.opt.Tenant {
		used := map[int]bool{}
		for _, v := range im.tenantIDs {
			used[v] = true
		}
		if im.opt.Tenant != "" {
			used[im.opt.TenantID] = true
		}
		for id = 1; used[id]; id++ {
		}
	}
	im.tenantIDs[domain] = id
	im.res.Config.Tenants = append(im.res.Config.Tenants, Tenant{ID: id, Domain: domain})
	return id
}

// useTier makes a tier name usable in the config: "" and Unlimited need no
// definition, API-M's defaults are defined, any other is reported and
// left out (the config would not load with an undefined tier).
func (im *importer) useTier(name, file string, n *yaml.Node, what string) string {
	if name == "" || strings.EqualFold(name, "Unlimited") {
		return ""
	}
	if _, ok := apimTiers[name]; !ok {
		im.note(file, line(n), "%s tier %q: its limits are not in the project (API-M keeps them in the admin portal): add it to tiers: and set it here", what, name)
		return ""
	}
	if !im.tiers[name] {
		im.tiers[name] = true
		im.tierOrder = append(im.tierOrder, name)
	}
	return name
}

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
