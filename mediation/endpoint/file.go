package endpoint

import (
	"strings"

	"github.com/seqgate/seqgate/mediation"
)

// Bounds on an endpoint file (as for sequence files).
const (
	MaxFileSize = 1 << 20
	MaxDepth    = 64
)

// IsEndpointFile reports whether a file in the endpoints folder is deployed:
// *.xml, not hidden.
func IsEndpointFile(name string) bool {
	return strings.HasSuffix(strings.ToLower(name), ".xml") && !strings.HasPrefix(name, ".")
}

// CompileFile compiles an endpoints-folder file: one <endpoint name="...">.
// Errors are *mediation.CompileError ("file:line: <element>: message").
func CompileFile(file string, data []byte) (*Named, error) {
	doc, lines, err := mediation.ReadConfigFile(file, data, MaxFileSize, MaxDepth)
	if err != nil {
		return nil, err
	}
	roots := doc.ChildElements()
	if len(roots) != 1 {
		return nil, &mediation.CompileError{File: file, Msg: "an endpoint file holds exactly one <endpoint> element"}
	}
	c := &mediation.Compiler{File: file, Lines: lines}
	root := roots[0]
	name, _ := mediation.Attr(root, "name")
	if root.Tag != "endpoint" || !mediation.IsSynapse(root) {
		return nil, c.Errorf(root, "root element must be <endpoint>")
	}
	if strings.TrimSpace(name) == "" {
		return nil, c.Errorf(root, "attribute name is required and must not be empty")
	}
	ep, refs, err := CompileWith(root, c, Options{})
	if err != nil {
		return nil, err
	}
	return &Named{Name: name, File: file, Line: c.Line(root), Refs: refs, EP: ep}, nil
}
