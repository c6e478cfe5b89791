package endpoint

import (
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/seqgate/seqgate/mediation"
)

// Options tune compilation; the zero value is what deployments use.
type Options struct {
	// Now is the clock of the suspension state machines (tests fake it).
	Now func() time.Time
	// Suspension replaces Synapse's defaults for leaves that do not
	// configure suspendOnFailure/markForSuspension (the gateway's API
	// backends use NoSuspension).
	Suspension *Suspension
	// Exact leaves call their URL as written, without the request's
	// REST_URL_POSTFIX: callout's serviceURL is the service, not a base.
	Exact bool
}

// compiler carries one <endpoint> tree's compilation.
type compiler struct {
	c    *mediation.Compiler
	opts Options
	refs []string // static keys referenced, for cycle checks
}

// Compile compiles an <endpoint> element, inline in a mediator or the root
// of an endpoint file. Errors are *mediation.CompileError with file:line.
func Compile(el *etree.Element, c *mediation.Compiler) (mediation.Endpoint, error) {
	ep, _, err := CompileWith(el, c, Options{})
	return ep, err
}

// CompileWith is Compile with options; it also returns the keys of the
// named endpoints the definition references.
func CompileWith(el *etree.Element, c *mediation.Compiler, opts Options) (mediation.Endpoint, []string, error) {
	k := &compiler{c: c, opts: opts}
	n, err := k.endpoint(el)
	if err != nil {
		return nil, nil, err
	}
	return n, k.refs, nil
}

// endpoint compiles one <endpoint>: a key reference or exactly one kind.
func (k *compiler) endpoint(el *etree.Element) (node, error) {
	if el.Tag != "endpoint" || !mediation.IsSynapse(el) {
		return nil, k.c.Errorf(el, "expected <endpoint>")
	}
	name, _ := mediation.Attr(el, "name")
	if key, ok := mediation.Attr(el, "key"); ok {
		key = strings.TrimSpace(key)
		if key == "" || strings.HasPrefix(key, "{") {
			return nil, k.c.Errorf(el, "key must name an endpoint (dynamic keys are not supported)")
		}
		k.refs = append(k.refs, key)
		return &Ref{key: key}, nil
	}
	if _, ok := mediation.Attr(el, "template"); ok {
		return nil, k.c.Errorf(el, "endpoint templates are not supported")
	}
	var body *etree.Element
	props := map[string]string{}
	for _, ch := range el.ChildElements() {
		switch {
		case !mediation.IsSynapse(ch) || ch.Tag == "description":
		case ch.Tag == "property":
			if err := k.property(ch, props); err != nil {
				return nil, err
			}
		case body != nil:
			return nil, k.c.Errorf(ch, "an endpoint has one definition; found a second one")
		default:
			body = ch
		}
	}
	if body == nil {
		return nil, k.c.Errorf(el, "empty endpoint: want key= or one of address, http, default, loadbalance, failover")
	}
	return k.kind(body, name, props)
}

func (k *compiler) kind(el *etree.Element, name string, props map[string]string) (node, error) {
	switch el.Tag {
	case kindAddress, kindHTTP, kindDefault:
		return k.leaf(el, name, props)
	case "loadbalance", "failover":
		return k.group(el, name)
	case "wsdl", "recipientlist", "template", "resolvingEndpoint":
		return nil, k.c.Errorf(el, "unsupported endpoint type")
	}
	return nil, k.c.Errorf(el, "unknown endpoint type")
}

// property reads <property name value> (uri.var.* and query.param.*
// values for an http endpoint's template).
func (k *compiler) property(el *etree.Element, props map[string]string) error {
	n, _ := mediation.Attr(el, "name")
	v, ok := mediation.Attr(el, "value")
	if n == "" || !ok {
		return k.c.Errorf(el, "endpoint property needs name and value (expressions are not supported)")
	}
	props[n] = v
	return nil
}

// group compiles loadbalance and failover.
func (k *compiler) group(el *etree.Element, name string) (node, error) {
	g := &Group{name: name, lb: el.Tag == "loadbalance", failover: true}
	if v, ok := mediation.Attr(el, "failover"); ok && g.lb {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return nil, k.c.Errorf(el, "failover=%q: want true or false", v)
		}
		g.failover = b
	}
	for _, ch := range el.ChildElements() {
		switch {
		case !mediation.IsSynapse(ch) || ch.Tag == "description":
		case ch.Tag == "endpoint":
			n, err := k.endpoint(ch)
			if err != nil {
				return nil, err
			}
			g.children = append(g.children, n)
		case ch.Tag == "session" || ch.Tag == "member":
			return nil, k.c.Errorf(ch, "not supported (session affinity and dynamic members)")
		default:
			return nil, k.c.Errorf(ch, "unexpected element in <%s>", el.Tag)
		}
	}
	if len(g.children) == 0 {
		return nil, k.c.Errorf(el, "no child <endpoint>")
	}
	return g, nil
}

// leaf compiles address, http and default.
func (k *compiler) leaf(el *etree.Element, name string, props map[string]string) (node, error) {
	l := &Leaf{name: name, kind: el.Tag, props: props, exact: k.opts.Exact}
	if err := k.target(el, l); err != nil {
		return nil, err
	}
	if f, ok := mediation.Attr(el, "format"); ok {
		switch f = strings.ToLower(strings.TrimSpace(f)); f {
		case "soap11", "soap12", "pox", "get", "rest", "":
			l.format = f
		default:
			return nil, k.c.Errorf(el, "format=%q: want soap11, soap12, pox, get or rest", f)
		}
	}
	sus := DefaultSuspension
	if k.opts.Suspension != nil {
		sus = *k.opts.Suspension
	}
	if err := k.qos(el, l, &sus); err != nil {
		return nil, err
	}
	l.st = newState(&sus, k.opts.Now)
	return l, nil
}

// target reads uri= (address), uri-template= and method= (http).
func (k *compiler) target(el *etree.Element, l *Leaf) error {
	switch l.kind {
	case kindAddress:
		uri, _ := mediation.Attr(el, "uri")
		t, err := parseTarget(strings.TrimSpace(uri))
		if err != nil {
			return k.c.Errorf(el, "uri: %v", err)
		}
		l.static = t
	case kindHTTP:
		src, _ := mediation.Attr(el, "uri-template")
		tm, err := compileTemplate(strings.TrimSpace(src))
		if err != nil || src == "" {
			return k.c.Errorf(el, "uri-template is required and must be valid: %v", err)
		}
		if !tm.static() {
			l.tmpl = tm
			break
		}
		if l.static, err = parseTarget(tm.src); err != nil {
			return k.c.Errorf(el, "uri-template: %v", err)
		}
	}
	if m, ok := mediation.Attr(el, "method"); ok && l.kind == kindHTTP {
		switch m = upper(m); m {
		case "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS":
			l.method = m
		default:
			return k.c.Errorf(el, "method=%q: want get, post, put, delete, patch, head or options", m)
		}
	}
	return nil
}
