// Package jsontext writes Go strings as JSON string text, for the places
// that build JSON by hand to stay allocation-free: the gateway's error
// bodies, the analytics events and process log lines, and payloadFactory's
// JSON templates.
package jsontext

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string, quotes included (AppendEscaped).
func AppendString(b []byte, s string) []byte {
	return append(AppendEscaped(append(b, '"'), s), '"')
}

// AppendEscaped appends s escaped for the inside of a JSON string: quotes,
// backslashes and control characters escaped (\n, \r, \t, else \u00XX),
// invalid UTF-8 replaced by U+FFFD, the rest as is. A user name from a
// token is the caller's text, so this must be exact. It escapes exactly as
// zap's JSON encoder does, which lets the process log's line writer
// (cmd/seqgate, lineCore) use it too; a test there holds the two to the
// same bytes.
//
// Nearly every string written is plain ASCII (names, versions, paths,
// IPs; the usage line alone is forty of them), so the scan for the next
// byte that needs care looks at eight bytes at a time and then uses a
// table, and plain runs are copied whole.
func AppendEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		i = plainPrefix(s, i)
		if i == len(s) {
			break
		}
		c := s[i]
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

// plain marks the bytes written as they are: printable ASCII but the
// quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const (
	lo7 = 0x0101010101010101
	hi7 = 0x8080808080808080
)

// plainPrefix returns the index of the first byte of s at or after i that
// is not plain, or len(s). Eight bytes at a time: a word has no such byte
// when none is below 0x20, none has the high bit, and none equals '"' or
// '\\' (the classic has-zero-byte and has-less-than tests; both are exact
// about whether some byte matches, which is all this asks).
func plainPrefix(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		q := w ^ ('"' * lo7)
		bs := w ^ ('\\' * lo7)
		if (w|(w-0x20*lo7)|(q-lo7)&^q|(bs-lo7)&^bs)&hi7 != 0 {
			break
		}
	}
	for ; i < len(s) && plain[s[i]]; i++ {
	}
	return i
}
