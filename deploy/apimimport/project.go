package apimimport

import (
	"encoding/json"
	"path"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

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
