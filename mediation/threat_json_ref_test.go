package mediation

import (
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
			i = j
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

func FuzzCheckJSONScan(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,3],"b":{"c":"hello"}}`, `["123\"4"]`, `[[[[1]]]]`, `}}]]{"a"`, `"abc\`,
		`{"k":tru e,"x":-1.5e3, "y" : null}`, `,1,{"a":1}`, `["\\\\\"", "\\"]`, `{"abcd":1}`, `[1,2,3,4]`} {
		f.Add([]byte(s), 3, 2, 3, 5, 3)
	}
	f.Fuzz(func(t *testing.T, b []byte, depth, keys, arr, str, key int) {
		l := JSONLimits{Depth: depth % 8, Keys: keys % 6, ArrayLength: arr % 6, StringLength: str % 12, KeyLength: key % 8}
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
