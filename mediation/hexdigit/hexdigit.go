// Package hexdigit reads one hexadecimal digit, for the hand-written
// decoders on hot paths (percent escapes in the router, \uXXXX in the JSON
// threat scan, percent escapes kept by uri-template expansion) that must not
// allocate, so they read digits alike.
package hexdigit

// Value is the value of the hex digit c (either case), and whether c is one.
func Value(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
