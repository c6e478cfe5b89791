package sequences

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// API is one compiled Synapse <api> file, as API Manager's publisher writes
// it to a gateway's synapse-configs/default/api folder: the context (which
// carries the version in API-M's files), the resources with their inline
// in/out/fault sequences, and the <handlers> list. Immutable once compiled
// and shared by every request; the router turns it into routes
// (handlers/route/file.go), the gateway its handler list into a chain.
type API struct {
	File string
	Line int // of the <api> element
	// Name is the name attribute (admin--PizzaShackAPI); SynapseName adds
	// the version as API-M's Synapse does (admin--PizzaShackAPI:v1.0.0).
	Name        string
	Context     string // as written (/pizzashack/1.0.0, /t/wso2.com/pizzashack/1.0.0)
	Version     string // "" for an unversioned (default-version or system) API
	VersionType string // "context" (default) or "url"
	// Transports are the transports attribute's (http, https); empty:
	// both. An https-only API is not served on the plain listener.
	Transports []string
	Resources  []*APIResource
	Handlers   []APIHandler
	// Keys are the local-entry and registry keys the inline sequences
	// looked up at compile time: a change to one recompiles the file.
	Keys     []string
	Warnings []string
}

// SynapseName is the API's name in Synapse, the SYNAPSE_REST_API property
// and the stem of its --In/--Out/--Fault extension sequences:
// <name>:v<version>, or the name alone when there is no version.
func (a *API) SynapseName() string {
	if a.Version == "" {
		return a.Name
	}
	return a.Name + ":v" + a.Version
}

// HTTPSOnly reports whether the API is served on HTTPS only
// (transports="https"), as Synapse selects it only for that transport.
func (a *API) HTTPSOnly() bool {
	for _, t := range a.Transports {
		if t == "http" {
			return false
		}
	}
	return len(a.Transports) > 0
}

// FullContext is the path prefix the API serves, without a tenant's
// /t/<domain>: the context with {version} filled in, plus /<version> when
// version-type is "url".
func (a *API) FullContext() string {
	c := strings.ReplaceAll(a.Context, "{version}", a.Version)
	if a.VersionType == "url" && a.Version != "" {
		c = strings.TrimSuffix(c, "/") + "/" + a.Version
	}
	return c
}

// APIResource is one <resource> of an API file.
type APIResource struct {
	Line    int
	Methods []string // empty: every method
	// Template is the uri-template or url-mapping as written; URLMapping
	// says which one it was.
	Template   string
	URLMapping bool
	// In, Out and Fault are the inline <inSequence>, <outSequence> and
	// <faultSequence>; InKey, OutKey and FaultKey the named ones given by
	// the inSequence=, outSequence= and faultSequence= attributes.
	In, Out, Fault          *Sequence
	InKey, OutKey, FaultKey string
}

// IsAPIFile reports whether name is an API file: *.xml, not hidden.
func IsAPIFile(name string) bool { return IsSequenceFile(name) }

// knownAPIAttrs and knownResourceAttrs are the attributes Synapse's
// APIFactory and ResourceFactory read; others earn a warning.
var (
	knownAPIAttrs = map[string]bool{"name": true, "context": true, "version": true, "version-type": true,
		"transports": true, "hostname": true, "port": true, "publishSwagger": true, "trace": true,
		"statistics": true, "binds-to": true}
	knownResourceAttrs = map[string]bool{"methods": true, "uri-template": true, "url-mapping": true,
		"inSequence": true, "outSequence": true, "faultSequence": true, "protocol": true, "binds-to": true}
	knownMethods = map[string]bool{"GET": true, "POST": true, "PUT": true, "DELETE": true, "PATCH": true,
		"HEAD": true, "OPTIONS": true}
)

// CompileAPI turns one <api> file into an API, compiling its inline
// sequences against res (the tenant's local entries and registry at deploy
// time). Errors are file:line, every bad part of the file at once.
func CompileAPI(file string, data []byte, res mediation.Resolver) (*API, error) {
	doc, lines, err := mediation.ReadConfigFile(file, data, MaxFileSize, MaxDepth)
	if err != nil {
		return nil, err
	}
	c := &mediation.Compiler{File: file, Lines: lines, Resolver: res}
	c.CollectErrors()
	roots := doc.ChildElements()
	switch {
	case len(roots) == 0:
		return nil, &mediation.CompileError{File: file, Msg: "no <api> element found"}
	case len(roots) > 1:
		return nil, c.Errorf(roots[1], "an api file holds one root element; found a second one")
	}
	root := roots[0]
	if root.Tag != "api" || !mediation.IsSynapse(root) {
		return nil, c.Errorf(root, "root element must be <api> in namespace %q or none, not {%s}%s",
			mediation.SynapseNS, root.NamespaceURI(), root.Tag)
	}
	a := &API{File: file, Line: c.Line(root)}
	if err := apiAttrs(a, root, c); err != nil {
		return nil, err
	}
	for _, ch := range root.ChildElements() {
		switch {
		case !mediation.IsSynapse(ch) || ch.Tag == "description":
		case ch.Tag == "resource":
			if r := compileResource(a, len(a.Resources), ch, c); r != nil {
				a.Resources = append(a.Resources, r)
			}
		case ch.Tag == "handlers":
			a.Handlers = append(a.Handlers, compileHandlers(ch, c)...)
		default:
			c.Errs(c.Errorf(ch, "unexpected element in <api>"))
		}
	}
	// every problem of the file at once, in line order (Compiler.Errs)
	if err := c.Errs(nil); err != nil {
		return nil, err
	}
	if len(a.Resources) == 0 {
		return nil, c.Errorf(root, "an api needs at least one <resource>")
	}
	a.Keys = c.Resources
	for _, r := range a.Resources { // the file's mediator sources, for traces
		for _, s := range []*Sequence{r.In, r.Out, r.Fault} {
			if s != nil {
				s.sources = c.Sources
			}
		}
	}
	return a, nil
}

func apiAttrs(a *API, root *etree.Element, c *mediation.Compiler) error {
	a.Name, _ = mediation.Attr(root, "name")
	a.Context, _ = mediation.Attr(root, "context")
	a.Version, _ = mediation.Attr(root, "version")
	a.VersionType, _ = mediation.Attr(root, "version-type")
	switch {
	case strings.TrimSpace(a.Name) == "":
		return c.Errorf(root, "attribute name is required and must not be empty")
	case !strings.HasPrefix(a.Context, "/"):
		return c.Errorf(root, "attribute context is required and must start with /, not %q", a.Context)
	case strings.ContainsAny(a.Context, "?#*; ") || strings.Contains(a.Context, "//"):
		return c.Errorf(root, "context %q: must be a plain path (no ?, #, *, ;, spaces or //)", a.Context)
	}
	switch a.VersionType {
	case "":
		a.VersionType = "context"
	case "context", "url":
	default:
		return c.Errorf(root, "version-type %q: must be context or url", a.VersionType)
	}
	if a.Version == "" && strings.Contains(a.Context, "{version}") {
		return c.Errorf(root, "context %q has {version} but the api has no version attribute", a.Context)
	}
	if a.Version != "" && strings.ContainsAny(a.Version, "/?#{} ") {
		return c.Errorf(root, "version %q: must be one path segment", a.Version)
	}
	// Synapse selects an API with hostname= or port= only for requests to
	// that host or port; seqgate's router does not, so such a file would
	// answer on every host: refused rather than served differently.
	if h, ok := mediation.Attr(root, "hostname"); ok && h != "" {
		return c.Errorf(root, "hostname %q: APIs bound to a host are not supported (the api would answer on every host)", h)
	}
	if p, ok := mediation.Attr(root, "port"); ok && p != "" && p != "-1" {
		return c.Errorf(root, "port %q: APIs bound to a port are not supported (the api would answer on every listener)", p)
	}
	if tr, ok := mediation.Attr(root, "transports"); ok {
		for _, t := range strings.FieldsFunc(strings.ToLower(tr), func(r rune) bool { return r == ',' || r == ' ' }) {
			if t != "http" && t != "https" {
				return c.Errorf(root, "transports %q: only http and https", tr)
			}
			a.Transports = append(a.Transports, t)
		}
	}
	for _, at := range root.Attr {
		if at.Space == "" && at.Key != "xmlns" && !knownAPIAttrs[at.Key] {
			a.Warnings = append(a.Warnings, fmt.Sprintf("%s:%d: <api>: unknown attribute %q ignored", c.File, a.Line, at.Key))
		}
	}
	return nil
}

// compileResource compiles one <resource>; its problems go to c (nil
// when it cannot be used at all).
func compileResource(a *API, i int, el *etree.Element, c *mediation.Compiler) *APIResource {
	r := &APIResource{Line: c.Line(el)}
	for _, at := range el.Attr {
		if at.Space == "" && at.Key != "xmlns" && !knownResourceAttrs[at.Key] {
			a.Warnings = append(a.Warnings, fmt.Sprintf("%s:%d: <resource>: unknown attribute %q ignored", c.File, r.Line, at.Key))
		}
	}
	if m, ok := mediation.Attr(el, "methods"); ok {
		for _, f := range strings.Fields(strings.ReplaceAll(m, ",", " ")) {
			f = strings.ToUpper(f)
			if !knownMethods[f] {
				c.Errs(c.Errorf(el, "methods: %q is not one of GET POST PUT DELETE PATCH HEAD OPTIONS", f))
				return nil
			}
			r.Methods = append(r.Methods, f)
		}
	}
	ut, hasUT := mediation.Attr(el, "uri-template")
	um, hasUM := mediation.Attr(el, "url-mapping")
	switch {
	case hasUT && hasUM:
		c.Errs(c.Errorf(el, "a resource has uri-template or url-mapping, not both"))
		return nil
	case hasUT:
		r.Template = ut
	case hasUM:
		r.Template, r.URLMapping = um, true
	default:
		r.Template, r.URLMapping = "/*", true // Synapse: no mapping matches every path
	}
	if err := CheckAPITemplate(r.Template, r.URLMapping); err != nil {
		attr := "uri-template"
		if r.URLMapping {
			attr = "url-mapping"
		}
		c.Errs(c.Errorf(el, "%s %q: %v", attr, r.Template, err))
		return nil
	}
	r.InKey, _ = mediation.Attr(el, "inSequence")
	r.OutKey, _ = mediation.Attr(el, "outSequence")
	r.FaultKey, _ = mediation.Attr(el, "faultSequence")
	for _, ch := range el.ChildElements() {
		if !mediation.IsSynapse(ch) || ch.Tag == "description" {
			continue
		}
		var dst **Sequence
		key := &r.InKey
		switch ch.Tag {
		case "inSequence":
			dst = &r.In
		case "outSequence":
			dst, key = &r.Out, &r.OutKey
		case "faultSequence":
			dst, key = &r.Fault, &r.FaultKey
		default:
			c.Errs(c.Errorf(ch, "unexpected element in <resource>"))
			continue
		}
		switch {
		case *dst != nil:
			c.Errs(c.Errorf(ch, "<%s> given twice", ch.Tag))
		case *key != "" && ch.Tag != "faultSequence":
			c.Errs(c.Errorf(ch, "<%s> and the %s attribute both given", ch.Tag, ch.Tag))
		default:
			*dst = compileInline(fmt.Sprintf("%s/resource[%d]/%s", a.SynapseName(), i, ch.Tag), ch, c)
		}
	}
	return r
}

// compileInline compiles an inline <inSequence>/<outSequence>/<faultSequence>
// as an anonymous sequence named after its place in the API.
// Its compile errors go to c; CompileAPI reports them all.
func compileInline(name string, el *etree.Element, c *mediation.Compiler) *Sequence {
	refs, needs := len(c.Refs), c.NeedsBody
	c.NeedsBody = false
	body, err := c.List(el)
	if err != nil {
		c.Errs(err)
	}
	s := &Sequence{Name: name, File: c.File, Line: c.Line(el), body: body, NeedsBody: c.NeedsBody,
		Refs: append([]string(nil), c.Refs[refs:]...), Resources: c.Resources}
	if oe, ok := mediation.Attr(el, "onError"); ok && oe != "" {
		s.OnError = oe
	}
	c.NeedsBody = needs || c.NeedsBody
	return s
}
