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
func AppendEscaped(b []byte, s string) []byte {
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
