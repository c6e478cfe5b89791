package sequences

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// Bounds on a sequence file. Real sequences are a few KiB and a dozen levels
// deep; the limits only keep hostile or broken files from costing memory or
// stack at deploy time.
const (
	MaxFileSize = 4 << 20 // bytes
	MaxDepth    = 128     // element nesting
)

// knownAttrs are the attributes of a <sequence> definition that Synapse's
// SequenceMediatorFactory reads; anything else earns a warning, not a
// refusal, because WSO2 itself ignores it.
var knownAttrs = map[string]bool{
	"name": true, "onError": true, "trace": true, "statistics": true, "description": true,
}

// Compile turns one sequence file into a compiled Sequence. file names the
// source in errors ("file:line: <element>: msg"); every error returned is a
// *mediation.CompileError, or mediation.CompileErrors (one per bad mediator,
// in document order) when the body has several. DTD entities are never expanded: Go's XML decoder
// refuses undeclared entities, so billion-laughs and XXE fail closed.
func Compile(file string, data []byte) (*Sequence, error) {
	return CompileWith(file, data, nil)
}

// CompileWith is Compile with keys (local entries, gov:/conf: registry
// resources) resolved through res, the tenant's snapshot at deploy time.
// The keys looked up are kept in Sequence.Resources.
func CompileWith(file string, data []byte, res mediation.Resolver) (*Sequence, error) {
	if strings.HasSuffix(file, ".j2") {
		return compileJ2(file, data, res) // an API-M 4.x operation policy (j2.go)
	}
	return compileXML(file, data, res)
}

// compileXML is CompileWith for XML (a .j2 file once rendered).
func compileXML(file string, data []byte, res mediation.Resolver) (*Sequence, error) {
	doc, lines, err := mediation.ReadConfigFile(file, data, MaxFileSize, MaxDepth)
	if err != nil {
		return nil, err
	}
	c := &mediation.Compiler{File: file, Lines: lines, Resolver: res}
	c.CollectErrors() // every bad mediator of the file, not the first only
	if frag := fragmentRoot(doc, file); frag != nil {
		return compileRoot(frag, c) // API-M 4.x bare mediators (fragment.go)
	}
	root, err := singleRoot(doc, c)
	if err != nil {
		return nil, err
	}
	return compileRoot(root, c)
}

// compileRoot checks the <sequence> element and compiles its body.
func compileRoot(root *etree.Element, c *mediation.Compiler) (*Sequence, error) {
	if root.Tag != "sequence" || !mediation.IsSynapse(root) {
		return nil, c.Errorf(root, "root element must be <sequence> in namespace %q or none, not {%s}%s",
			mediation.SynapseNS, root.NamespaceURI(), root.Tag)
	}
	s := &Sequence{File: c.File, Line: c.Line(root)}
	if first := root.ChildElements(); s.Line == 0 && len(first) > 0 {
		s.Line = c.Line(first[0]) // a fragment's made-up root: its first mediator
	}
	name, _ := mediation.Attr(root, "name")
	if name == "" {
		return nil, c.Errorf(root, "attribute name is required and must not be empty")
	}
	s.Name = name
	if onErr, ok := mediation.Attr(root, "onError"); ok {
		if onErr == "" {
			return nil, c.Errorf(root, "onError must not be empty")
		}
		s.OnError = onErr
	}
	s.Description, _ = mediation.Attr(root, "description")
	for _, a := range root.Attr {
		if a.Space == "" && a.Key != "xmlns" && !knownAttrs[a.Key] {
			s.Warnings = append(s.Warnings, fmt.Sprintf("%s:%d: <sequence>: unknown attribute %q ignored", c.File, s.Line, a.Key))
		}
	}
	body, err := c.List(root)
	if err = c.Errs(err); err != nil {
		return nil, err
	}
	s.body, s.Refs, s.NeedsBody, s.sources, s.Resources = body, c.Refs, c.NeedsBody, c.Sources, c.Resources
	return s, nil
}

// singleRoot returns the one top-level element of doc.
func singleRoot(doc *etree.Document, c *mediation.Compiler) (*etree.Element, error) {
	roots := doc.ChildElements()
	switch {
	case len(roots) == 0:
		return nil, &mediation.CompileError{File: c.File, Msg: "no <sequence> element found"}
	case len(roots) > 1:
		return nil, c.Errorf(roots[1], "a sequence file holds one root element; found a second one")
	}
	return roots[0], nil
}
