package handlers

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/seqgate/seqgate/deploy/config"
)

// corsPolicy is one API's compiled CORS settings (compileCORS, at config
// load); allowOrigin and originPattern.match run per request and never
// allocate.
type corsPolicy struct {
	anyOrigin   bool
	exact       map[string]struct{}
	patterns    []originPattern
	credentials bool
	vary        bool
	methods     []string // allow_methods
	allMethods  string   // allow_methods joined, for a resource that allows every method
	headers     string   // allow_headers joined
	echoHeaders bool     // allow_headers has "*"
	expose      string
	exposeB     []byte // expose, for SetCanonical
	maxAge      string // "" when not sent
}

// originPattern is an allow_origins entry with "*": the parts between the
// stars, matched in order, the first at the start and the last at the end.
type originPattern struct{ parts []string }

func compileCORS(e config.CORS) *corsPolicy {
	p := &corsPolicy{exact: map[string]struct{}{}, credentials: e.Credentials(), methods: e.AllowMethods,
		allMethods: strings.Join(e.AllowMethods, ","), expose: strings.Join(e.ExposeHeaders, ",")}
	for _, o := range e.AllowOrigins {
		switch {
		case o == corsAnyOrigin:
			p.anyOrigin = true
		case strings.Contains(o, "*"):
			p.patterns = append(p.patterns, originPattern{parts: strings.Split(o, "*")})
		default:
			p.exact[o] = struct{}{}
		}
	}
	p.vary = !p.anyOrigin
	p.exposeB = []byte(p.expose)
	var hs []string
	for _, h := range e.AllowHeaders {
		if h == "*" {
			p.echoHeaders = true
		} else {
			hs = append(hs, h)
		}
	}
	p.headers = strings.Join(hs, ",")
	if e.MaxAge != nil && *e.MaxAge > 0 {
		p.maxAge = strconv.Itoa(*e.MaxAge)
	}
	return p
}

// allowOrigin is the Access-Control-Allow-Origin value for origin, nil
// when the origin is not allowed. It never allocates.
func (p *corsPolicy) allowOrigin(origin []byte) []byte {
	if p.anyOrigin {
		return anyOriginBytes
	}
	if _, ok := p.exact[string(origin)]; ok {
		return origin
	}
	for i := range p.patterns {
		if p.patterns[i].match(origin) {
			return origin
		}
	}
	return nil
}

var anyOriginBytes = []byte(corsAnyOrigin)

// match reports whether the whole origin fits the pattern; a * matches
// any run of characters but "/".
func (op *originPattern) match(o []byte) bool {
	parts := op.parts
	if !bytes.HasPrefix(o, []byte(parts[0])) {
		return false
	}
	o = o[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, part := range parts[1 : len(parts)-1] {
		i := bytes.Index(o, []byte(part))
		if i < 0 || bytes.IndexByte(o[:i], '/') >= 0 {
			return false
		}
		o = o[i+len(part):]
	}
	if len(o) < len(last) || !bytes.HasSuffix(o, []byte(last)) {
		return false
	}
	return bytes.IndexByte(o[:len(o)-len(last)], '/') < 0
}
