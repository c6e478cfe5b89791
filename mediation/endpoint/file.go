package endpoint

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/beevik/etree"

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
	if len(data) > MaxFileSize {
		return nil, &mediation.CompileError{File: file, Msg: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", len(data), MaxFileSize)}
	}
	lines, err := startLines(file, data)
	if err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{MaxDepth: MaxDepth + 1}
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, &mediation.CompileError{File: file, Msg: "invalid xml: " + err.Error(), Err: err}
	}
	roots := doc.ChildElements()
	if len(roots) != 1 {
		return nil, &mediation.CompileError{File: file, Msg: "an endpoint file holds exactly one <endpoint> element"}
	}
	c := &mediation.Compiler{File: file, Lines: pairLines(roots[0], lines)}
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

// startLines records the line of every start tag in document order, and
// reports syntax errors and excessive nesting with a line.
func startLines(file string, data []byte) ([]int, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var lines []int
	depth := 0
	for {
		line, _ := d.InputPos()
		tok, err := d.Token()
		if err == io.EOF {
			return lines, nil
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line = se.Line
			}
			return nil, &mediation.CompileError{File: file, Line: line, Msg: "invalid xml: " + err.Error(), Err: err}
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > MaxDepth {
				return nil, &mediation.CompileError{File: file, Line: line, Msg: fmt.Sprintf("elements nested deeper than %d levels", MaxDepth)}
			}
			lines = append(lines, line)
		case xml.EndElement:
			depth--
		}
	}
}

// pairLines maps etree's elements (document order) to the recorded lines.
func pairLines(root *etree.Element, lines []int) map[*etree.Element]int {
	m := make(map[*etree.Element]int, len(lines))
	var walk func(el *etree.Element)
	walk = func(el *etree.Element) {
		if i := len(m); i < len(lines) {
			m[el] = lines[i]
		}
		for _, ch := range el.ChildElements() {
			walk(ch)
		}
	}
	walk(root)
	return m
}
