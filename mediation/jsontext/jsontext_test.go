package jsontext

import (
	"encoding/json"
	"testing"
)

// TestAppendString: the escapes, and that encoding/json reads back the
// same text (invalid UTF-8 as U+FFFD).
func TestAppendString(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{"a\"b\\c\nd\te\r\x01/é", `"a\"b\\c\nd\te\r\u0001/é"`},
		{"\x08\x0c\x1f", `"\u0008\u000c\u001f"`},
		{"bad\xffutf8", `"bad\ufffdutf8"`},
		{"", `""`},
	} {
		got := AppendString(nil, c.in)
		if string(got) != c.want {
			t.Errorf("AppendString(%q) = %s, want %s", c.in, got, c.want)
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("%s: not JSON: %v", got, err)
		}
		if inner := AppendEscaped([]byte("x"), c.in); string(inner) != "x"+c.want[1:len(c.want)-1] {
			t.Errorf("AppendEscaped(%q) = %s", c.in, inner)
		}
	}
}

func TestAppendStringAllocs(t *testing.T) {
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { _ = AppendString(buf[:0], "a\"b\nc\xff") }); n != 0 {
		t.Errorf("%v allocs, want 0", n)
	}
}
