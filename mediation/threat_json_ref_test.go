package mediation

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

// checkJSONReference is CheckJSON as it was before its bytes were skipped
// in runs: one byte at a time. The fuzz target below holds the two to the
// same answer.
func checkJSONReference(b []byte, l JSONLimits) error {
	if l.Depth <= 0 {
		l.Depth = DefaultLimits.MaxJSONDepth
	}
	var stack []jsonFrame
	var names []map[string]bool // per open frame, for the duplicate check
	expect := false
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
				names = names[:len(names)-1]
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
			j := i + 1
			for j < len(b) && b[j] != '"' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			n := j - (i + 1)
			if j > len(b) {
				n, j = len(b)-(i+1), len(b)
			}
			if isKey && over(n, l.KeyLength) {
				return jsonLimit("bytes in one property name", l.KeyLength)
			}
			if !isKey && over(n, l.StringLength) {
				return jsonLimit("bytes in one string", l.StringLength)
			}
			if isKey && !l.DuplicateKeys {
				seen := names[len(names)-1]
				k := refKeyName(b[i+1 : i+1+n])
				if seen[k] {
					return fmt.Errorf("json payload: %w", ErrDuplicateKey)
				}
				seen[k] = true
			}
			i = j
		case '{', '[':
			if len(stack) >= l.Depth {
				return fmt.Errorf("json payload: %w (limit %d)", ErrPayloadTooDeep, l.Depth)
			}
			stack = append(stack, jsonFrame{object: c == '{'})
			names = append(names, map[string]bool{})
			expect = true
		}
	}
	return nil
}

// refKeyName decodes a property name with encoding/json; a name it refuses
// (a bad escape, a raw control byte) is compared as jsonKeyName reads it.
func refKeyName(raw []byte) string {
	var s string
	if err := json.Unmarshal([]byte(`"`+string(raw)+`"`), &s); err == nil {
		return s
	}
	return jsonKeyName(raw, 0, len(raw))
}

func FuzzCheckJSONScan(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,3],"b":{"c":"hello"}}`, `["123\"4"]`, `[[[[1]]]]`, `}}]]{"a"`, `"abc\`,
		`{"k":tru e,"x":-1.5e3, "y" : null}`, `,1,{"a":1}`, `["\\\\\"", "\\"]`, `{"abcd":1}`, `[1,2,3,4]`,
		`{"a":1,"a":2}`, `{"a":{"a":1},"b":1}`, `{"\u0061":1,"a":2}`, `{"\ud83d\ude00":1,"😀":2}`, `{"\ud800":1,"\udfff":2}`} {
		f.Add([]byte(s), 3, 2, 3, 5, 3)
	}
	f.Fuzz(func(t *testing.T, b []byte, depth, keys, arr, str, key int) {
		l := JSONLimits{Depth: depth % 8, Keys: keys % 6, ArrayLength: arr % 6, StringLength: str % 12, KeyLength: key % 8,
			DuplicateKeys: keys%2 == 1}
		var dec string // the input read as one string's contents: names decode as encoding/json does
		if json.Unmarshal([]byte(`"`+string(b)+`"`), &dec) == nil && jsonKeyName(b, 0, len(b)) != dec {
			t.Fatalf("jsonKeyName(%q) = %q, encoding/json reads %q", b, jsonKeyName(b, 0, len(b)), dec)
		}
		got, want := CheckJSON(b, l), checkJSONReference(b, l)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("CheckJSON(%q, %+v) = %v, the byte-by-byte scan says %v", b, l, got, want)
		}
	})
}

// BenchmarkCheckJSONScan compares the run-skipping scan with the
// byte-by-byte one on the JSON-rewrite bench body (tests/bench/json-body.json).
func BenchmarkCheckJSONScan(b *testing.B) {
	body, err := os.ReadFile("../tests/bench/json-body.json")
	if err != nil {
		b.Fatal(err)
	}
	l := JSONLimits{Keys: 1000, ArrayLength: 1000, StringLength: 1 << 20, KeyLength: 1024}
	for _, tc := range []struct {
		name  string
		check func([]byte, JSONLimits) error
	}{{"runs", CheckJSON}, {"bytewise", checkJSONReference}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if err := tc.check(body, l); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
