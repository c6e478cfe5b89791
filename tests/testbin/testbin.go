// Package testbin is what the black-box test packages (tests/e2e,
// tests/hostile, tests/torture, tests/behaviour) share: the seqgate binary
// built once per package, free loopback ports, and a log buffer the
// process can write to while a test reads it.
package testbin

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Build returns the binary under test: $SEQGATE_BIN when set (handy when
// iterating on tests alone), else seqgate built into a temp folder. Call
// cleanup when the tests are done.
func Build(name string) (bin string, cleanup func(), err error) {
	if p := os.Getenv("SEQGATE_BIN"); p != "" {
		return p, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "seqgate-"+name+"-")
	if err != nil {
		return "", nil, fmt.Errorf("%s: temp dir: %w", name, err)
	}
	cleanup = func() { os.RemoveAll(dir) }
	bin = filepath.Join(dir, "seqgate")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/seqgate/seqgate/cmd/seqgate")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("%s: building seqgate: %w", name, err)
	}
	return bin, cleanup, nil
}

// Main builds the binary into *bin, runs the tests and cleans up: the
// body of a TestMain, returning the exit code.
func Main(m *testing.M, name string, bin *string) int {
	b, cleanup, err := Build(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cleanup()
	*bin = b
	return m.Run()
}

// FreePort picks a free 127.0.0.1 port and returns host:port. Another
// process may take it before the gateway binds it: starters retry.
func FreePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// SyncBuffer collects a process's output while tests read it.
type SyncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Tail is the last n bytes of s, for failure messages.
func Tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
