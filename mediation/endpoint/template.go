package endpoint

import (
	"fmt"
	"strings"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/hexdigit"
)

// uriTemplate is an http endpoint's uri-template, split at deploy time
// into literals and RFC 6570 expressions. Variables come from the
// default-scope properties uri.var.* and query.param.* (Synapse's
// HTTPEndpoint reads only those two prefixes), overridden by <property>
// children of the endpoint.
//
// Values are percent-encoded as RFC 6570 says: {x} keeps only unreserved
// characters, {+x} also keeps reserved ones ("/", ":", "?"...). An
// expression at the very start of the template is expanded as {+x}: that
// is the documented "whole URL in one property" idiom, which Synapse
// supports by URL-decoding the expanded template.
type uriTemplate struct {
	src   string
	parts []tmplPart
}

type tmplPart struct {
	lit  string
	op   byte // 0 literal, 's' simple, '+' reserved, '?', '&', '/', '#'
	vars []string
}

// compileTemplate parses src; variables are checked for syntax only.
func compileTemplate(src string) (*uriTemplate, error) {
	t := &uriTemplate{src: src}
	rest := src
	for rest != "" {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			t.parts = append(t.parts, tmplPart{lit: rest})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, tmplPart{lit: rest[:i]})
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("unclosed '{' in uri-template %q", src)
		}
		p, err := parseExpr(rest[i+1 : i+j])
		if err != nil {
			return nil, fmt.Errorf("uri-template %q: %w", src, err)
		}
		if len(t.parts) == 0 && p.op == 's' {
			p.op = '+'
		}
		t.parts = append(t.parts, p)
		rest = rest[i+j+1:]
	}
	return t, nil
}

func parseExpr(e string) (tmplPart, error) {
	p := tmplPart{op: 's'}
	if e != "" && strings.IndexByte("+?&/#", e[0]) >= 0 {
		p.op, e = e[0], e[1:]
	}
	for _, v := range strings.Split(e, ",") {
		v = strings.TrimSpace(v)
		if v == "" || strings.ContainsAny(v, "{}* :") {
			return p, fmt.Errorf("bad variable %q", v)
		}
		p.vars = append(p.vars, v)
	}
	return p, nil
}

// static reports whether the template has no variables.
func (t *uriTemplate) static() bool {
	return len(t.parts) <= 1 && (len(t.parts) == 0 || t.parts[0].op == 0)
}

// expand fills the template from mc (and the endpoint's own properties,
// which win, as in Synapse). Unset variables expand to nothing.
func (t *uriTemplate) expand(mc *mediation.MessageContext, own map[string]string) string {
	var b strings.Builder
	lookup := func(name string) (string, bool) {
		if v, ok := own[name]; ok {
			return v, true
		}
		if !strings.HasPrefix(name, "uri.var.") && !strings.HasPrefix(name, "query.param.") {
			return "", false
		}
		return mc.Props.Get(name)
	}
	for _, p := range t.parts {
		if p.op == 0 {
			b.WriteString(p.lit)
			continue
		}
		first := true
		for _, name := range p.vars {
			v, ok := lookup(name)
			if !ok {
				continue
			}
			writeSep(&b, p.op, first)
			if p.op == '?' || p.op == '&' {
				b.WriteString(escape(shortName(name), false))
				b.WriteByte('=')
			}
			b.WriteString(noDotSegments(escape(v, p.op == '+' || p.op == '#')))
			first = false
		}
	}
	return b.String()
}

// shortName is the query key for {?query.param.x}: "x".
func shortName(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func writeSep(b *strings.Builder, op byte, first bool) {
	switch {
	case op == '?' && first:
		b.WriteByte('?')
	case op == '?' || op == '&':
		b.WriteByte('&')
	case op == '/':
		b.WriteByte('/')
	case op == '#' && first:
		b.WriteByte('#')
	case !first:
		b.WriteByte(',')
	}
}

const upperhex = "0123456789ABCDEF"

// escape percent-encodes s: unreserved characters stay; with reserved,
// RFC 3986 reserved characters and existing %XX triplets stay too.
func escape(s string, reserved bool) string {
	clean := true
	for i := 0; i < len(s) && clean; i++ {
		clean = keep(s, i, reserved)
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if keep(s, i, reserved) {
			b.WriteByte(s[i])
			continue
		}
		c := s[i]
		b.WriteByte('%')
		b.WriteByte(upperhex[c>>4])
		b.WriteByte(upperhex[c&15])
	}
	return b.String()
}

func keep(s string, i int, reserved bool) bool {
	c := s[i]
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
		return true
	case !reserved:
		return false
	case strings.IndexByte(":/?#[]@!$&'()*+,;=", c) >= 0:
		return true
	case c == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]):
		return true
	}
	return false
}

func ishex(c byte) bool {
	_, ok := hexdigit.Value(c)
	return ok
}

// noDotSegments percent-encodes the dots of every "." or ".." segment of an
// expanded variable: {query.param.u} = ".." must not turn /users/{u}/profile
// into /users/../profile, which the backend (or a proxy before it) resolves
// to /profile. Escaping leaves dots alone (they are unreserved), so this
// is the one place they are caught.
func noDotSegments(v string) string {
	if !strings.Contains(v, ".") {
		return v
	}
	var b strings.Builder
	for i, seg := range strings.Split(v, "/") {
		if i > 0 {
			b.WriteByte('/')
		}
		if seg == "." || seg == ".." {
			seg = strings.Repeat("%2E", len(seg))
		}
		b.WriteString(seg)
	}
	return b.String()
}
