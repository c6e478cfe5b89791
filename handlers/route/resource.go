package route

import (
	"fmt"
	"strings"

	"github.com/seqgate/seqgate/deploy/config"
)

// Resource is one resource of an API: the methods it allows and its URI
// template, compiled into segments.
type Resource struct {
	Cfg *config.Resource
	// Methods lists the allowed methods; empty means all.
	Methods  []string
	Template string
	// AuthMethods are the credentials the resource accepts (zero: none);
	// AuthRequired is AuthMethods != 0.
	AuthMethods  config.AuthSet
	AuthRequired bool
	// MTLS: a verified client certificate is one of the accepted
	// credentials, so the gateway reads the connection's TLS state.
	MTLS bool
	// Scopes: an oauth2 token or a basic user must carry one of them.
	Scopes []string

	methods methodSet
	segs    []segment
	star    bool     // template ends in /*: anything may follow
	ext     string   // an API-M url-mapping *.json: ".json", which the last segment must end with
	varKeys []string // "uri.var.<name>" per variable, in template order
	// qvars are an api file uri-template's query part (?q={q}): the query
	// parameter each variable is bound from, when the request has it.
	qvars []queryVar
}

type segment struct {
	lit    string // literal text; "" for a variable
	isVar  bool
	isRest bool // {+name}: the rest of the path, slashes included (last segment only)
	name   string
}

type queryVar struct{ param, key string }

func newResource(api *config.API, c *config.Resource) (*Resource, error) {
	if c.File != nil {
		return newFileResource(api, c)
	}
	if err := config.CheckURITemplate(c.URITemplate); err != nil {
		return nil, fmt.Errorf("uri_template %q: %w", c.URITemplate, err)
	}
	auth := c.AuthMethods(api)
	r := &Resource{Cfg: c, Methods: c.Methods, Template: c.URITemplate, AuthMethods: auth,
		AuthRequired: auth != 0, MTLS: auth.Has(config.AuthSetMTLS), Scopes: c.Scopes}
	for _, m := range c.Methods {
		bit := methodBit(m)
		if bit == 0 {
			return nil, fmt.Errorf("method %q is not supported", m)
		}
		r.methods |= bit
	}
	path, _, _ := strings.Cut(c.URITemplate, "?")
	path = strings.Trim(path, "/")
	if path == "" {
		return r, nil
	}
	r.addPath(path, true, false)
	return r, nil
}

// newFileResource compiles a <resource> of an API-M api file: a
// url-mapping (exact /menu, prefix /menu/* or /*, extension *.json) or a
// uri-template ({var}, a last {+var} taking the rest of the path, /*, and
// a query part ?q={q}), as Synapse's dispatchers read them.
// sequences.CheckAPITemplate has checked it at deploy time.
func newFileResource(api *config.API, c *config.Resource) (*Resource, error) {
	auth := c.AuthMethods(api)
	r := &Resource{Cfg: c, Methods: c.Methods, Template: c.URITemplate, AuthMethods: auth,
		AuthRequired: auth != 0, MTLS: auth.Has(config.AuthSetMTLS)}
	for _, m := range c.Methods {
		r.methods |= methodBit(m)
	}
	t := c.URITemplate
	if c.File.URLMapping && strings.HasPrefix(t, "*.") {
		r.ext = t[1:]
		return r, nil
	}
	path, query, _ := strings.Cut(t, "?")
	if query != "" {
		for _, kv := range strings.Split(query, "&") {
			k, v, _ := strings.Cut(kv, "=")
			r.qvars = append(r.qvars, queryVar{param: k, key: "uri.var." + strings.Trim(v, "{}")})
		}
	}
	path = strings.Trim(path, "/")
	if path == "" {
		r.star = c.File.URLMapping && strings.HasSuffix(t, "*") || !c.File.URLMapping && t == "/*"
		return r, nil
	}
	r.addPath(path, !c.File.URLMapping, !c.File.URLMapping)
	return r, nil
}

// addPath compiles a template's path (query part cut, slashes trimmed, not
// empty) into segments: a last * lets anything follow (star); where vars is
// set, {name} is a variable and, where rest is set too (api files), a
// {+name} takes the rest of the path, slashes included. A url-mapping has
// no variables: its braces are literal text.
func (r *Resource) addPath(path string, vars, rest bool) {
	parts := strings.Split(path, "/")
	if parts[len(parts)-1] == "*" {
		r.star = true
		parts = parts[:len(parts)-1]
	}
	for _, p := range parts {
		seg := segment{lit: p}
		switch {
		case rest && strings.HasPrefix(p, "{+"):
			seg = segment{isVar: true, isRest: true, name: p[2 : len(p)-1]}
		case vars && strings.HasPrefix(p, "{"):
			seg = segment{isVar: true, name: p[1 : len(p)-1]}
		}
		r.segs = append(r.segs, seg)
		if seg.isVar {
			r.varKeys = append(r.varKeys, "uri.var."+seg.name)
		}
	}
}

// urlMapping reports whether the resource is an api file's url-mapping.
func (r *Resource) urlMapping() bool { return r.Cfg.File != nil && r.Cfg.File.URLMapping }

// Allows reports whether the resource accepts method.
func (r *Resource) Allows(method []byte) bool {
	return r.methods == 0 || r.methods&methodBit(string(method)) != 0
}

// moreSpecific orders resources so the most specific template is tried
// first. Templates are compared position by position; the first difference
// decides: a literal beats a variable, a variable beats the end of the
// template, the end beats a trailing /*. So /files/* is tried before /{id},
// and /{id} before /*. Equal ones keep config order.
func (r *Resource) moreSpecific(o *Resource) bool {
	for i := 0; i <= len(r.segs) || i <= len(o.segs); i++ {
		if a, b := r.rank(i), o.rank(i); a != b {
			return a > b
		}
	}
	return false
}

func (r *Resource) rank(i int) int {
	switch {
	case r.ext != "" && i == 0: // *.json: after every path, before /*
		return 1
	case r.ext != "":
		return -1
	case i < len(r.segs) && r.segs[i].isRest:
		return 4
	case i < len(r.segs) && r.segs[i].isVar:
		return 5
	case i < len(r.segs):
		return 6
	case i == len(r.segs) && !r.star:
		return 2
	case i == len(r.segs):
		return 0
	}
	return -1 // past the end: both ended at an earlier position
}

// match matches the path after the API prefix (no query), appending the
// variables to m.Vars; on failure m.Vars is left as it was.
func (r *Resource) match(post []byte, m *Match) bool {
	mark := len(m.Vars)
	s := post
	if len(s) > 0 && s[0] == '/' {
		s = s[1:]
	}
	if r.ext != "" {
		return hasSuffix(s, r.ext) && len(s) > len(r.ext) && s[len(s)-len(r.ext)-1] != '/'
	}
	for i := range r.segs {
		if len(s) == 0 {
			m.Vars = m.Vars[:mark]
			return false
		}
		if r.segs[i].isRest { // {+name}: the rest of the path
			m.Vars = append(m.Vars, Var{Name: r.segs[i].name, Value: unescape(s)})
			return true
		}
		cur := s
		s = nil
		for j, c := range cur {
			if c == '/' {
				cur, s = cur[:j], cur[j+1:]
				break
			}
		}
		seg := &r.segs[i]
		if seg.isVar {
			if len(cur) == 0 {
				m.Vars = m.Vars[:mark]
				return false
			}
			m.Vars = append(m.Vars, Var{Name: seg.name, Value: unescape(cur)})
		} else if !equalUnescaped(cur, seg.lit) {
			m.Vars = m.Vars[:mark]
			return false
		}
	}
	if r.star || len(s) == 0 {
		return true
	}
	m.Vars = m.Vars[:mark]
	return false
}

// methodSet is a bit per supported method.
type methodSet uint8

func methodBit(m string) methodSet {
	switch m {
	case "GET":
		return 1 << 0
	case "POST":
		return 1 << 1
	case "PUT":
		return 1 << 2
	case "DELETE":
		return 1 << 3
	case "PATCH":
		return 1 << 4
	case "HEAD":
		return 1 << 5
	case "OPTIONS":
		return 1 << 6
	}
	return 0
}

func hasSuffix(s []byte, suffix string) bool {
	return len(s) >= len(suffix) && string(s[len(s)-len(suffix):]) == suffix
}
