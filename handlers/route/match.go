package route

// Match is where a request goes. The caller owns it and passes the same one
// again for the next request, so Vars keeps its storage.
type Match struct {
	Tenant   *Tenant
	API      *API
	Resource *Resource
	// Postfix is the raw path after API.Prefix, with its leading "/"
	// (REST_URL_POSTFIX without the query); "" when nothing follows.
	Postfix string
	// Vars are the template variables (uri.var.*), percent-decoded, in
	// template order.
	Vars []Var
}

// Var is one template variable.
type Var struct{ Name, Value string }

// Reset clears m and keeps the Vars storage.
func (m *Match) Reset() {
	*m = Match{Vars: m.Vars[:0]}
}

// Match statuses besides 0 (matched).
const (
	StatusBadPath          = 400 // dot segments (. or ..), also encoded
	StatusNotFound         = 404 // no tenant or API serves the path, or no resource template fits
	StatusMethodNotAllowed = 405 // a resource template fits the path but none allows the method
)

// Match routes method and path into m. path is the raw request path as the
// client sent it (fasthttp's RequestURI() or URI().PathOriginal(); a query
// string is cut off): Match decodes variables itself and the Postfix goes to
// the backend as sent, so an already decoded path (ctx.Path()) would be
// decoded twice. It returns 0 on a match, else StatusBadPath,
// StatusNotFound or StatusMethodNotAllowed. m.Tenant and m.API are filled as far as they were
// found, for logging and error sequences.
//
// The tenant comes from /t/<domain>/... (the super tenant otherwise; an
// unknown domain is 404); the API is the longest <context>/<version> prefix
// ending on a segment boundary; the resource the most specific template that
// fits (see Resource.moreSpecific) and allows the method.
func (r *Router) Match(method, path []byte, m *Match) int {
	m.Reset()
	for i, c := range path {
		if c == '?' {
			path = path[:i]
			break
		}
	}
	if len(path) == 0 || path[0] != '/' {
		return StatusNotFound
	}
	if hasDotSegment(path) {
		return StatusBadPath
	}
	tr, rest := r.tenantOf(path)
	if tr == nil {
		return StatusNotFound
	}
	m.Tenant = tr.tenant
	api, n := tr.find(rest)
	if api == nil {
		return StatusNotFound
	}
	m.API = api
	post := rest[n:]
	fits := false
	for _, res := range api.Resources {
		if !res.match(post, m) {
			continue
		}
		if !res.Allows(method) {
			m.Vars = m.Vars[:0]
			fits = true
			continue
		}
		m.Resource = res
		if len(post) > 0 {
			m.Postfix = string(post)
		}
		return 0
	}
	if fits {
		return StatusMethodNotAllowed
	}
	return StatusNotFound
}

// tenantOf splits /t/<domain> off the path.
func (r *Router) tenantOf(path []byte) (*tenantRoutes, []byte) {
	if len(path) < 3 || path[1] != 't' || path[2] != '/' {
		return r.super, path
	}
	domain, rest := path[3:], []byte(nil)
	for i, c := range domain {
		if c == '/' {
			domain, rest = domain[:i], domain[i:]
			break
		}
	}
	return r.tenants[string(domain)], rest
}

// find returns the API whose context/version is the longest prefix of path
// ending at a segment boundary, and that prefix's length.
func (tr *tenantRoutes) find(path []byte) (*API, int) {
	for end := len(path); end > 1; end-- {
		if end != len(path) && path[end] != '/' {
			continue
		}
		if a, ok := tr.apis[string(path[:end])]; ok {
			return a, end
		}
	}
	return nil, 0
}

func hasDotSegment(path []byte) bool {
	start := 1
	for i := 1; i <= len(path); i++ {
		if i == len(path) || path[i] == '/' {
			if isDotSegment(path[start:i]) {
				return true
			}
			start = i + 1
		}
	}
	return false
}
