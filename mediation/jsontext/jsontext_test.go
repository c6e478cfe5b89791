package jsontext

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
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

// refEscaped is AppendEscaped as it was before the word-at-a-time scan,
// one byte at a time: the reference TestAppendEscapedMatchesBytewise holds
// the fast one to.
func refEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}

// TestAppendEscapedMatchesBytewise: every byte value at every position of
// strings around the 8-byte word size, multi-byte and broken UTF-8 across
// word edges, and random strings, escape as the bytewise reference does.
func TestAppendEscapedMatchesBytewise(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := AppendEscaped(nil, s), refEscaped(nil, s); string(got) != string(want) {
			t.Fatalf("AppendEscaped(%q) = %q, want %q", s, got, want)
		}
	}
	base := "abcdefghijklmnopqrstuvwxyz0123456789"
	for n := 0; n <= 25; n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				s := []byte(base[:n])
				s[pos] = byte(c)
				check(string(s))
			}
		}
		for _, r := range []string{"é", "漢", "😀", "\u2028", "\xe6\x97", "\xff"} {
			for pos := 0; pos <= n; pos++ {
				check(base[:pos] + r + base[pos:n])
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("aZ09 ~\x1f\x20\x7f\x80\xbf\xc3\xa9\xe6\xf0\"\\\n\t/")
	for i := 0; i < 20000; i++ {
		s := make([]byte, rng.IntN(40))
		for j := range s {
			if rng.IntN(4) == 0 {
				s[j] = alphabet[rng.IntN(len(alphabet))]
			} else {
				s[j] = byte(rng.IntN(256))
			}
		}
		check(string(s))
	}
}

// BenchmarkAppendString is the strings of one usage line (keys and
// values, as the process log writes them), plain ASCII as they nearly
// always are, and one with escapes.
func BenchmarkAppendString(b *testing.B) {
	line := []string{"type", "response", "timestamp", "2026-12-05T04:03:02.891Z", "node", "node-1", "tenant",
		"carbon.super", "api", "admin--Bench:v1.0.0", "version", "1.0.0", "resource", "/*", "method", "GET",
		"status", "latency_ms", "backend_ms", "mediation_ms", "application", "BenchApp", "application_id", "1",
		"consumer_key", "bench-ck", "user", "bench", "client_ip", "127.0.0.1", "msg", "gi = yes", "mediator", "log"}
	buf := make([]byte, 0, 1024)
	b.Run("usage-line", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = buf[:0]
			for _, s := range line {
				buf = AppendString(buf, s)
			}
		}
	})
	b.Run("escapes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = AppendString(buf[:0], "a \"quoted\" path\\with\ttabs and é ü and a long plain tail of text")
		}
	})
}
