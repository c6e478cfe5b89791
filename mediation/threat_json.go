package mediation

import (
	"bytes"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/seqgate/seqgate/mediation/hexdigit"
)

// jsonFrame is one open object or array while scanning.
type jsonFrame struct {
	object bool
	big    bool  // its names are in a map (see bigObject), not in the list
	keys   int32 // where this object's names start in CheckJSON's names
	items  int   // properties or elements started so far
}

// ErrDuplicateKey: one object names a property twice. JSON readers
// disagree on which one counts (json-eval and ojg read the first, most
// backends the last), so a <filter> on $.from could check one value while
// the backend acts on the other (issue 13). Refused unless
// limits.json_duplicate_keys is allow.
var ErrDuplicateKey = fmt.Errorf("%w: a property name repeated in one object (limits.json_duplicate_keys)", ErrPayloadLimit)

// linearKeys is how many names an object's duplicate check compares one by
// one before it switches to a map.
const linearKeys = 16

// bigObject moves the names of the object at depth d, which has more than
// linearKeys of them (own) plus name, to a map of its own in maps: a
// linear search would make a 10,000-key object quadratic.
func bigObject(maps []map[string]struct{}, d int, own []string, name string) []map[string]struct{} {
	for len(maps) <= d {
		maps = append(maps, nil)
	}
	m := make(map[string]struct{}, 2*linearKeys)
	for _, k := range own {
		m[k] = struct{}{}
	}
	m[name] = struct{}{}
	maps[d] = m
	return maps
}

// addBig records name in the map of the object at depth d; false when it
// is there already.
func addBig(m map[string]struct{}, name string) bool {
	if _, dup := m[name]; dup {
		return false
	}
	m[name] = struct{}{}
	return true
}

// jsonKeyName is the property name b[start:end] as a reader compares it:
// escapes decoded, invalid UTF-8 and lone surrogates as U+FFFD (as
// encoding/json reads them), so "\u0066rom" is "from". A plain ASCII name
// (nearly all) is the body's own bytes, not a copy: the names live only
// while CheckJSON runs, and the body is not changed meanwhile.
func jsonKeyName(b []byte, start, end int) string {
	raw := b[start:end]
	plain := true
	for _, c := range raw {
		if c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return unsafe.String(unsafe.SliceData(raw), len(raw))
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c == '\\' && i+1 < len(raw) {
			if r, n := jsonEscape(raw[i:]); n > 0 {
				out = utf8.AppendRune(out, r)
				i += n
				continue
			}
		}
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(raw[i:])
		out = utf8.AppendRune(out, r) // RuneError for an invalid byte
		i += n
	}
	return string(out)
}

// jsonEscape decodes the escape at the start of s (s[0] is a backslash):
// the rune and the bytes it took, or 0 bytes for an invalid escape (the
// parser refuses it later).
func jsonEscape(s []byte) (rune, int) {
	switch s[1] {
	case '"', '\\', '/':
		return rune(s[1]), 2
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
		r := hex4(s[2:])
		if r < 0 {
			return 0, 0
		}
		if !utf16.IsSurrogate(r) {
			return r, 6
		}
		if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
			if r2 := hex4(s[8:]); r2 >= 0 {
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					return d, 12
				}
			}
		}
		return utf8.RuneError, 6
	}
	return 0, 0
}

// hex4 is the value of four hex digits at the start of s, or -1.
func hex4(s []byte) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range s[:4] {
		v, ok := hexdigit.Value(c)
		if !ok {
			return -1
		}
		r = r<<4 | rune(v)
	}
	return r
}

// CheckJSON scans a JSON payload before it is parsed: ojg has no depth or
// size limits, and the conversion to XML for XPath multiplies the cost of
// every item. It tracks only strings, nesting and where items start; the
// grammar is the parser's job, so garbage passes here and fails there.
// Unless l.DuplicateKeys, it also refuses an object naming a property twice
// (ErrDuplicateKey).
func CheckJSON(b []byte, l JSONLimits) error {
	if l.Depth <= 0 {
		l.Depth = DefaultLimits.MaxJSONDepth
	}
	var arr [32]jsonFrame
	stack := arr[:0]
	// The property names of the open objects, for the duplicate check: one
	// list for all, as their frames nest (the first 32 on the stack), and
	// maps by depth for objects with more than linearKeys names.
	var nameArr [32]string
	names := nameArr[:0]
	var maps []map[string]struct{}
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
				top := &stack[len(stack)-1]
				names = names[:top.keys]
				if top.big {
					maps[len(stack)-1] = nil
				}
				stack = stack[:len(stack)-1]
			}
			expect = false
			continue
		}
		var top *jsonFrame
		if expect && len(stack) > 0 {
			expect = false
			top = &stack[len(stack)-1]
			top.items++
			if err := checkItems(top, l); err != nil {
				return err
			}
			if !top.object {
				top = nil
			}
		}
		if c == '"' {
			end, err := checkJSONString(b, i+1, top != nil, l)
			if err != nil {
				return err
			}
			if top != nil && !l.DuplicateKeys {
				name := jsonKeyName(b, i+1, min(end, len(b)))
				if top.big {
					if !addBig(maps[len(stack)-1], name) {
						return fmt.Errorf("json payload: %w", ErrDuplicateKey)
					}
				} else {
					own := names[top.keys:]
					for _, k := range own {
						if k == name {
							return fmt.Errorf("json payload: %w", ErrDuplicateKey)
						}
					}
					if len(own) < linearKeys {
						names = append(names, name)
					} else {
						maps, top.big = bigObject(maps, len(stack)-1, own, name), true
					}
				}
			}
			i = end
			continue
		}
		// '{' or '['
		if len(stack) >= l.Depth {
			return fmt.Errorf("json payload: %w (limit %d)", ErrPayloadTooDeep, l.Depth)
		}
		stack = append(stack, jsonFrame{object: c == '{', keys: int32(len(names))})
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
