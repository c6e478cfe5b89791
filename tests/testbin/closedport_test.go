package testbin

import (
	"errors"
	"net"
	"syscall"
	"testing"
	"time"
)

// TestClosedPort: a connection to the port is refused, and nobody else can
// listen there while the test runs.
func TestClosedPort(t *testing.T) {
	addr := ClosedPort(t)
	_, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial %s: %v, want connection refused", addr, err)
	}
	if l, err := net.Listen("tcp", addr); err == nil {
		l.Close()
		t.Fatalf("%s could be taken by another listener", addr)
	}
}
