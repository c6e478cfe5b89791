package authn

import (
	"strconv"
	"testing"
	"time"
)

// TestCacheBoundsAndExpiry: the cache never grows past its size, and an
// entry is not served at or after its expiry.
func TestCacheBoundsAndExpiry(t *testing.T) {
	c := NewCache[int](64)
	now := time.Now()
	for i := range 10000 {
		c.Put(strconv.Itoa(i), i, now.Add(time.Minute))
	}
	if n := c.Len(); n > 64 {
		t.Errorf("len %d after 10000 puts, want at most 64", n)
	}
	c.Put("k", 7, now.Add(time.Second))
	if v, ok := c.Get([]byte("k"), now); !ok || v != 7 {
		t.Errorf("fresh entry: %d %v", v, ok)
	}
	if _, ok := c.Get([]byte("k"), now.Add(time.Second)); ok {
		t.Error("served at its expiry")
	}
	if _, ok := c.Get([]byte("absent"), now); ok {
		t.Error("absent key found")
	}
}
