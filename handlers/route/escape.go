package route

// Percent-decoding helpers that work on the raw request bytes without
// allocating unless a decoded copy must be kept.

import "github.com/seqgate/seqgate/mediation/hexdigit"

// DecodeAt returns the byte at s[i] after percent-decoding and the index of
// the next one (the router, and the gateway's path guard, so both read an
// escape alike); a malformed escape is taken literally.
func DecodeAt(s []byte, i int) (byte, int) {
	if s[i] == '%' && i+2 < len(s) {
		hi, ok1 := hexdigit.Value(s[i+1])
		lo, ok2 := hexdigit.Value(s[i+2])
		if ok1 && ok2 {
			return hi<<4 | lo, i + 3
		}
	}
	return s[i], i + 1
}

// unescape percent-decodes a path segment ('+' stays '+': it is a path).
func unescape(s []byte) string {
	n := 0
	for i := 0; i < len(s); n++ {
		_, i = DecodeAt(s, i)
	}
	if n == len(s) {
		return string(s)
	}
	out := make([]byte, 0, n)
	for i := 0; i < len(s); {
		var c byte
		c, i = DecodeAt(s, i)
		out = append(out, c)
	}
	return string(out)
}

// equalUnescaped compares a raw segment with a literal after decoding.
func equalUnescaped(s []byte, lit string) bool {
	if string(s) == lit {
		return true
	}
	j := 0
	for i := 0; i < len(s); j++ {
		var c byte
		c, i = DecodeAt(s, i)
		if j >= len(lit) || lit[j] != c {
			return false
		}
	}
	return j == len(lit)
}

// isDotSegment reports "." or "..", also percent-encoded (%2e).
func isDotSegment(s []byte) bool {
	dots := 0
	for i := 0; i < len(s); {
		c, next := DecodeAt(s, i)
		if c != '.' {
			return false
		}
		dots++
		i = next
	}
	return dots == 1 || dots == 2
}
