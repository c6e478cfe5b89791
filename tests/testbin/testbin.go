// Package testbin is what the black-box test packages (tests/e2e,
// tests/hostile, tests/torture, tests/behaviour, tests/faults,
// tests/concurrency) share: the seqgate binary built once per package
// (race-built with SEQGATE_RACE=1), free loopback ports, a log buffer the
// process can write to while a test reads it, and the check that a
// race-built process reported no data race.
package testbin

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Race reports whether the binary under test is race-built: SEQGATE_RACE=1
// makes Build use go build -race (CI runs the black-box suites both ways).
// Suites bound their load counts by it, since a race-built process is
// several times slower.
func Race() bool { return os.Getenv("SEQGATE_RACE") == "1" }

// RSSBound is a test's bound on the gateway's resident memory: normal for
// the normal binary, four times it for a race-built one, whose detector
// keeps shadow memory and bookkeeping for every allocation (the Go
// documentation says 5-10x memory; an idle race-built gateway takes
// ~70 MiB instead of ~20). Still far below what an unbounded buffer would
// take, and the normal run holds the real bound.
func RSSBound(normal int64) int64 {
	if Race() {
		return 4 * normal
	}
	return normal
}

// Build returns the binary under test: $SEQGATE_BIN when set (handy when
// iterating on tests alone), else seqgate built into a temp folder, with
// -race when Race(). Call cleanup when the tests are done.
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
	args := []string{"build", "-o", bin}
	if Race() {
		args = append(args, "-race")
	}
	cmd := exec.CommandContext(ctx, "go", append(args, "github.com/seqgate/seqgate/cmd/seqgate")...)
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

// ClosedPort returns 127.0.0.1:PORT where connections are refused for the
// rest of the test. FreePort's port is free again once returned, so a
// server of a test running in parallel may take it and answer; this one
// stays bound by a socket that never listens, which the kernel answers
// with a reset.
func ClosedPort(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
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

// Proc is a running seqgate process.
type Proc struct {
	Cmd    *exec.Cmd
	Stderr *SyncBuffer
	Exited chan error // receives Wait's result once
}

// Launch starts bin with args and waits (10 s at most) until the admin
// listener at adminAddr answers /readyz with 200; the process is stopped
// with SIGTERM when the test ends (Stop). ok is false when the process
// exited because a port was taken meanwhile: the caller retries on new ports.
func Launch(t testing.TB, bin, adminAddr string, args ...string) (p *Proc, ok bool) {
	t.Helper()
	p = &Proc{Cmd: exec.Command(bin, args...), Stderr: &SyncBuffer{}, Exited: make(chan error, 1)}
	p.Cmd.Stderr = p.Stderr
	if err := p.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.Exited <- p.Cmd.Wait() }()
	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-p.Exited:
			if strings.Contains(p.Stderr.String(), "address already in use") {
				return nil, false
			}
			t.Fatalf("seqgate exited before ready (%v):\n%s", err, p.Stderr.String())
		default:
		}
		if r, err := client.Get("http://" + adminAddr + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				t.Cleanup(func() { p.Stop(t) })
				return p, true
			}
		}
	}
	_ = p.Cmd.Process.Kill()
	t.Fatalf("seqgate not ready within 10s:\n%s", p.Stderr.String())
	return nil, false
}

// Stop sends SIGTERM and expects the process to exit within 5 s, having
// reported no data race (NoRace).
func (p *Proc) Stop(t testing.TB) {
	_ = p.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.Exited:
	case <-time.After(5 * time.Second):
		_ = p.Cmd.Process.Kill()
		<-p.Exited
		t.Errorf("seqgate did not stop within 5s of SIGTERM")
	}
	NoRace(t, p.Stderr.String())
}

// raceWarning starts each report of the race detector on stderr.
const raceWarning = "WARNING: DATA RACE"

// NoRace fails t when a race-built process's output (stderr, where the
// detector writes) holds a data race report, quoting the first one.
// Harnesses that run the binary call it once the process has exited.
func NoRace(t testing.TB, output string) {
	t.Helper()
	i := strings.Index(output, raceWarning)
	if i < 0 {
		return
	}
	report := output[i:]
	if end := strings.Index(report[len(raceWarning):], "=================="); end >= 0 {
		report = report[:len(raceWarning)+end]
	}
	if len(report) > 6000 {
		report = report[:6000] + "…"
	}
	t.Errorf("seqgate reported %d data race(s); the first:\n%s", strings.Count(output, raceWarning), report)
}
