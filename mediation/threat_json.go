package mediation

import (
	"bytes"
	"fmt"
)

// jsonFrame is one open object or array while scanning.
type jsonFrame struct {
	object bool
	items  int // properties or elements started so far
}

// CheckJSON scans a JSON payload before it is parsed: ojg has no depth or
// size limits, and the conversion to XML for XPath multiplies the cost of
// every item. It tracks only strings, nesting and where items start; the
// grammar is the parser's job, so garbage passes here and fails there.
func CheckJSON(b []byte, l JSONLimits) error {
	if l.Depth <= 0 {
		l.Depth = DefaultLimits.MaxJSONDepth
	}
	var arr [32]jsonFrame
	stack := arr[:0]
	expect := false // a new item may start (after '{', '[' or ',')
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !jsonStructural[c] {
			if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':' {
				continue
			}
			// A number, literal or stray byte: it may start an item, and
			// the bytes up to the next structural one change nothing, so
			// they are skipped in one run (most of a payload's bytes).
			if expect && len(stack) > 0 {
				expect = false
				top := &stack[len(stack)-1]
				top.items++
				if err := checkItems(top, l); err != nil {
					return err
				}
			}
			for i+1 < len(b) && !jsonStructural[b[i+1]] {
				i++
			}
			continue
		}
		switch c {
		case ',':
			expect = true
			continue
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			expect = false
			continue
		}
		isKey := false
		if expect && len(stack) > 0 {
			expect = false
			top := &stack[len(stack)-1]
			top.items++
			isKey = top.object
			if err := checkItems(top, l); err != nil {
				return err
			}
		}
		if c == '"' {
			end, err := checkJSONString(b, i+1, isKey, l)
			if err != nil {
				return err
			}
			i = end
			continue
		}
		// '{' or '['
		if len(stack) >= l.Depth {
			return fmt.Errorf("json payload: %w (limit %d)", ErrPayloadTooDeep, l.Depth)
		}
		stack = append(stack, jsonFrame{object: c == '{'})
		expect = true
	}
	return nil
}

// jsonStructural marks the bytes CheckJSON acts on: the others are skipped
// in runs.
var jsonStructural = [256]bool{',': true, '}': true, ']': true, '"': true, '{': true, '[': true}

func checkItems(f *jsonFrame, l JSONLimits) error {
	if f.object && over(f.items, l.Keys) {
		return jsonLimit("properties in one object", l.Keys)
	}
	if !f.object && over(f.items, l.ArrayLength) {
		return jsonLimit("elements in one array", l.ArrayLength)
	}
	return nil
}

// checkJSONString measures the string starting at b[start] (after its
// opening quote) and returns the index of its closing quote (or len(b)).
func checkJSONString(b []byte, start int, isKey bool, l JSONLimits) (int, error) {
	// Jump from quote to quote (IndexByte is vectorised); a backslash
	// before the quote found means an escape to step over first.
	i := start
	for i < len(b) {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			i = len(b)
			break
		}
		e := bytes.IndexByte(b[i:i+q], '\\')
		if e < 0 {
			i += q
			break
		}
		i += e + 2 // the backslash and the byte it escapes
	}
	n := i - start
	if i > len(b) {
		n, i = len(b)-start, len(b)
	}
	if isKey && over(n, l.KeyLength) {
		return i, jsonLimit("bytes in one property name", l.KeyLength)
	}
	if !isKey && over(n, l.StringLength) {
		return i, jsonLimit("bytes in one string", l.StringLength)
	}
	return i, nil
}
