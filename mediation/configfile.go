package mediation

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/beevik/etree"
)

// ReadConfigFile parses one Synapse configuration file (a sequence, an
// endpoint) for compiling: size and nesting bounded, DTD entities never
// expanded (Go's XML decoder refuses undeclared entities, so billion-laughs
// and XXE fail closed), and every element mapped to its source line for
// "file:line: <element>: message" errors. etree records no positions, so
// an encoding/xml pass records the line of each start tag and the two are
// paired in document order (one start tag per element in both).
func ReadConfigFile(file string, data []byte, maxSize, maxDepth int) (*etree.Document, map[*etree.Element]int, error) {
	if len(data) > maxSize {
		return nil, nil, &CompileError{File: file, Msg: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", len(data), maxSize)}
	}
	data, err := toUTF8(file, data)
	if err != nil {
		return nil, nil, err
	}
	lines, err := startLines(file, data, maxDepth)
	if err != nil {
		return nil, nil, err
	}
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{MaxDepth: maxDepth + 1}
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, nil, &CompileError{File: file, Msg: "invalid xml: " + err.Error(), Err: err}
	}
	return doc, pairLines(doc, lines), nil
}

// startLines records the line of every start tag, in document order.
func startLines(file string, data []byte, maxDepth int) ([]int, error) {
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
			if depth++; depth > maxDepth {
				return nil, &CompileError{File: file, Line: line, Msg: fmt.Sprintf("elements nested deeper than %d levels", maxDepth)}
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
		return &CompileError{File: file, Line: se.Line, Msg: "invalid xml: " + se.Msg, Err: err}
	}
	return &CompileError{File: file, Line: line, Msg: "invalid xml: " + err.Error(), Err: err}
}

// pairLines maps etree's elements, walked in document order, to the lines.
func pairLines(doc *etree.Document, lines []int) map[*etree.Element]int {
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
	for _, el := range doc.ChildElements() {
		walk(el)
	}
	return m
}
