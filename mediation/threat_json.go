package mediation

import "fmt"

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
		switch c {
		case ' ', '\t', '\r', '\n', ':':
			continue
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
		switch c {
		case '"':
			end, err := checkJSONString(b, i+1, isKey, l)
			if err != nil {
				return err
			}
			i = end
		case '{', '[':
			if len(stack) >= l.Depth {
				return fmt.Errorf("json payload: %w (limit %d)", ErrPayloadTooDeep, l.Depth)
			}
			stack = append(stack, jsonFrame{object: c == '{'})
			expect = true
		}
	}
	return nil
}

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
	i := start
	for i < len(b) && b[i] != '"' {
		if b[i] == '\\' {
			i++
		}
		i++
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
