package sequences

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

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
// *mediation.CompileError. DTD entities are never expanded: Go's XML decoder
// refuses undeclared entities, so billion-laughs and XXE fail closed.
func Compile(file string, data []byte) (*Sequence, error) {
	if len(data) > MaxFileSize {
		return nil, &mediation.CompileError{File: file, Msg: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", len(data), MaxFileSize)}
	}
	lines, err := positions(file, data)
	if err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{MaxDepth: MaxDepth + 1}
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, &mediation.CompileError{File: file, Msg: "invalid xml: " + err.Error(), Err: err}
	}
	c := &mediation.Compiler{File: file, Lines: mapLines(doc, lines)}
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
	if err != nil {
		return nil, asCompileError(c, root, err)
	}
	s.body, s.Refs, s.NeedsBody = body, c.Refs, c.NeedsBody
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

// asCompileError keeps factory errors that already carry a position and
// wraps the others, so callers can rely on one error type.
func asCompileError(c *mediation.Compiler, el *etree.Element, err error) error {
	var ce *mediation.CompileError
	if errors.As(err, &ce) {
		return err
	}
	return &mediation.CompileError{File: c.File, Line: c.Line(el), Element: el.Tag, Msg: err.Error(), Err: err}
}

// positions is the line-number pass: etree keeps no positions, so the same
// bytes are tokenized with encoding/xml and the line of every start tag is
// recorded in document order. It also reports syntax errors and excessive
// nesting with a line, before etree sees the input.
func positions(file string, data []byte) ([]int, error) {
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
			return nil, syntaxError(file, line, err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			if depth > MaxDepth {
				return nil, &mediation.CompileError{File: file, Line: line, Msg: fmt.Sprintf("elements nested deeper than %d levels", MaxDepth)}
			}
			lines = append(lines, line)
		case xml.EndElement:
			depth--
		}
	}
}

// syntaxError turns a decoder error into a CompileError with a line.
func syntaxError(file string, line int, err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &mediation.CompileError{File: file, Line: se.Line, Msg: "invalid xml: " + se.Msg, Err: err}
	}
	return &mediation.CompileError{File: file, Line: line, Msg: "invalid xml: " + err.Error(), Err: err}
}

// mapLines pairs etree's elements, walked in document order, with the lines
// of the position pass (one start tag per element in both).
func mapLines(doc *etree.Document, lines []int) map[*etree.Element]int {
	m := make(map[*etree.Element]int, len(lines))
	i := 0
	var walk func(el *etree.Element)
	walk = func(el *etree.Element) {
		if i < len(lines) {
			m[el] = lines[i]
		}
		i++
		for _, ch := range el.ChildElements() {
			walk(ch)
		}
	}
	for _, el := range doc.ChildElements() {
		walk(el)
	}
	return m
}
