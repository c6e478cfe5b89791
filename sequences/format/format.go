// Package format prints sequence files in one canonical layout, for
// `seqgate fmt`: 4-space indentation of element-only content, attributes in
// the order written with double quotes and minimal escaping, empty elements
// self-closed, comments kept where they are, one final newline.
//
// etree's own writer (WriteSettings, Indent) cannot do this: indenting
// re-flows every text node of the document, including the ones whose
// whitespace is data (a payloadFactory <format>, a <script>, an inline
// enrich source, an inline property value), and it has no notion of a
// subtree to leave alone. So etree only parses, and printer.go writes.
//
// Whitespace that may be significant is kept as parsed: the content of
// <format>, <script>, <schema>, makefault's <detail>, enrich's
// <source type="inline">, a <property> or <header> holding inline XML, any
// element with non-whitespace text or CDATA of its own, and everything
// under them (see verbatim in printer.go).
//
// The XML declaration, when present, is normalised to
// <?xml version="1.0" encoding="UTF-8"?> (another declared encoding keeps
// its name, since the bytes are passed through unchanged); none is added,
// and none is dropped.
package format

import (
	"bytes"
	"fmt"

	"github.com/beevik/etree"

	_ "github.com/seqgate/seqgate/mediation/mediators" // Source compiles: the built-in mediators must be registered
	"github.com/seqgate/seqgate/sequences"
)

// Source returns the canonical form of one sequence file. A file that does
// not parse or does not compile is refused with the compiler's
// "file:line: <element>: reason" error, so nothing broken is rewritten.
// The result is checked before it is returned: it must compile and hold
// the same XML as the input apart from layout whitespace (equal.go); a
// formatter bug therefore surfaces as an error, never as a changed file.
func Source(file string, data []byte) ([]byte, error) {
	if _, err := sequences.Compile(file, data); err != nil {
		return nil, err
	}
	doc, err := parse(file, data)
	if err != nil {
		return nil, err
	}
	out := print(doc)
	if err := check(file, doc, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Changed reports whether data differs from its canonical form, returning
// that form too (as Source).
func Changed(file string, data []byte) (bool, []byte, error) {
	out, err := Source(file, data)
	if err != nil {
		return false, nil, err
	}
	return !bytes.Equal(out, data), out, nil
}

// parse reads data for printing: CDATA sections stay CDATA, and the depth
// bound is the compiler's.
func parse(file string, data []byte) (*etree.Document, error) {
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{PreserveCData: true, MaxDepth: sequences.MaxDepth + 1}
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, fmt.Errorf("%s: invalid xml: %w", file, err)
	}
	return doc, nil
}

// check re-reads the printed form: it must still compile and be the same
// document as the original, layout aside.
func check(file string, orig *etree.Document, out []byte) error {
	if _, err := sequences.Compile(file, out); err != nil {
		return fmt.Errorf("%s: formatted output does not compile (a bug in seqgate fmt; file left alone): %w", file, err)
	}
	again, err := parse(file, out)
	if err != nil {
		return fmt.Errorf("%s: formatted output does not parse (a bug in seqgate fmt; file left alone): %w", file, err)
	}
	if err := Equal(orig, again); err != nil {
		return fmt.Errorf("%s: formatting would change the document (a bug in seqgate fmt; file left alone): %w", file, err)
	}
	return nil
}
