package route

// Match is where a request goes. The caller owns it and passes the same one
// again for the next request, so Vars keeps its storage.
type Match struct {
	Tenant   *Tenant
	API      *API
	Resource *Resource
	// Postfix is the path after API.Prefix, with its leading "/"
	// (REST_URL_POSTFIX without the query); "" when nothing follows. It is
	// the path the resource was matched on: the raw path with percent-encoded
	// unreserved characters decoded (%61dmin is admin), so the backend
	// receives exactly what was matched.
	Postfix string
	// BadPath says why a path was refused with StatusBadPath (a fixed
	// text, never the request's bytes).
	BadPath string
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
	StatusBadPath          = 400 // dot segments (. or ..), also encoded; after the API prefix, empty segments and ';' parameters
	StatusNotFound         = 404 // no tenant or API serves the path, or no resource template fits
	StatusMethodNotAllowed = 405 // a resource template fits the path but none allows the method
)

// Match routes method and path into m. path is the raw request path as the
// client sent it (fasthttp's RequestURI() or URI().PathOriginal(); a query
// string is cut off): Match decodes variables itself and the Postfix goes to
// the backend as matched, so an already decoded path (ctx.Path()) would be
// decoded twice. It returns 0 on a match, else StatusBadPath,
// StatusNotFound or StatusMethodNotAllowed. m.Tenant and m.API are filled as far as they were
// found, for logging and error sequences.
//
// The tenant comes from /t/<domain>/... (the super tenant otherwise; an
// unknown domain is 404); the API is the longest <context>/<version> prefix
// ending on a segment boundary; the resource the most specific template that
// fits (see Resource.moreSpecific) and allows the method.
//
// After the API prefix, a path whose resource a backend could read
// differently than the router is refused (StatusBadPath): an empty segment
// ("//admin": the template's first segment would miss "admin" while a
// backend that merges slashes serves /admin) and a ';' path parameter, raw
// or %3B ("/admin;x=1": Tomcat and others strip it, the router would not).
// Literals match case-sensitively, as Synapse's do; percent-encoded
// unreserved characters are compared and forwarded decoded.
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
		m.BadPath = WhyDotSegment
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
	if why := badPostfix(post); why != "" {
		m.BadPath = why
		return StatusBadPath
	}
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
			m.Postfix = normalizePostfix(post)
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

// Why a path is refused with StatusBadPath (Match.BadPath).
const (
	WhyDotSegment   = "the path has a '.' or '..' segment, which is never routed"
	WhyEmptySegment = "the path has an empty segment ('//') after the API context, which is never routed"
	WhyPathParam    = "the path has a ';' parameter after the API context, which is never routed"
)

// badPostfix checks the path after the API prefix: no empty segment
// except a final one (a trailing slash), no ';' raw or percent-encoded.
func badPostfix(post []byte) string {
	for i := 0; i < len(post); i++ {
		switch c := post[i]; {
		case c == '/' && i+1 < len(post) && post[i+1] == '/':
			return WhyEmptySegment
		case c == ';':
			return WhyPathParam
		case c == '%' && i+2 < len(post) && post[i+1] == '3' && (post[i+2] == 'b' || post[i+2] == 'B'):
			return WhyPathParam
		}
	}
	return ""
}

// normalizePostfix is post with percent-encoded unreserved characters
// (RFC 3986 2.3: ALPHA DIGIT - . _ ~) decoded, which RFC 3986 6.2.2.2 says
// are the same URI: a backend sees the path the literals were compared
// with. Other escapes stay as sent. It allocates only the string, once.
func normalizePostfix(post []byte) string {
	i := 0
	for ; i < len(post); i++ {
		if c, next := DecodeAt(post, i); next == i+3 && unreserved(c) {
			break
		}
	}
	if i == len(post) {
		return string(post)
	}
	out := make([]byte, 0, len(post))
	out = append(out, post[:i]...)
	for i < len(post) {
		c, next := DecodeAt(post, i)
		if next == i+3 && !unreserved(c) {
			out = append(out, post[i:next]...)
		} else {
			out = append(out, c)
		}
		i = next
	}
	return string(out)
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
