package hexdigit

import (
	"strconv"
	"testing"
)

// TestValue agrees with strconv on every byte.
func TestValue(t *testing.T) {
	for c := 0; c < 256; c++ {
		want, err := strconv.ParseUint(string(rune(c)), 16, 8)
		got, ok := Value(byte(c))
		if ok != (err == nil) || (ok && uint64(got) != want) {
			t.Errorf("Value(%q) = %d, %v; want %d, %v", rune(c), got, ok, want, err == nil)
		}
	}
}
