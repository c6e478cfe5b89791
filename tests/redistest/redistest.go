// Package redistest starts a real redis-server on a free 127.0.0.1 port
// for tests: throttle counters, the analytics stream sink and the cluster
// tests all run against the real server, never a fake. When the binary is
// missing the test is skipped with a loud message; .ci/run installs
// Debian's redis-server so CI never skips.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/testbin"
)

// Server is one redis-server process. Stop and Start let a test take it
// away and bring it back on the same address.
type Server struct {
	Addr string
	bin  string
	dir  string
	mu   sync.Mutex
	cmd  *exec.Cmd
}

// Binary returns the redis-server path, or "" when it is not installed.
func Binary() string {
	if p := os.Getenv("REDIS_SERVER"); p != "" {
		return p
	}
	for _, p := range []string{"redis-server", "/usr/bin/redis-server", "/usr/local/bin/redis-server"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	return ""
}

// Start runs a redis-server for t and stops it when t ends. No binary:
// t is skipped, loudly.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary()
	if bin == "" {
		msg := "SKIPPING: redis-server is not installed (apt-get install redis-server); " +
			"this test needs a real Redis. .ci/run installs it, so CI never skips."
		fmt.Fprintln(os.Stderr, "\n*** "+msg+" ***")
		t.Skip(msg)
	}
	s := &Server{bin: bin, dir: t.TempDir()}
	var err error
	for range 5 { // the free port may be taken before redis binds it
		s.Addr = testbin.FreePort(t)
		if err = s.Start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Start (re)starts the server on s.Addr and waits until it answers PING.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return nil
	}
	_, port, _ := net.SplitHostPort(s.Addr)
	cmd := exec.Command(s.bin, "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no",
		"--dir", s.dir, "--protected-mode", "no", "--loglevel", "warning")
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if Ping(s.Addr) == nil {
			s.cmd = cmd
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return fmt.Errorf("redis-server on %s did not answer PING within 5s", s.Addr)
}

// Stop kills the server (idempotent); its data is gone, as after a crash
// of a server without persistence.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Ping sends PING over a plain connection and expects +PONG.
func Ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("redis %s answered %q to PING", addr, strings.TrimSpace(line))
	}
	return nil
}
