// Package torture runs the seqgate binary under constant load while its
// sequences and its config are rewritten again and again, and checks that
// nothing fails, nothing mixes versions and nothing leaks. CI runs a short
// count; SEQGATE_TORTURE_FULL=1 runs the full one (3000 sequence rewrites,
// 100 config reloads).
package torture

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/testbin"
)

var binPath string

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int { return testbin.Main(m, "torture", &binPath) }

// proc is the running binary.
type proc struct {
	t       *testing.T
	cmd     *exec.Cmd
	exited  chan error
	base    string // http://traffic
	admin   string // http://admin
	logPath string
}

// start runs the binary on cfgPath (whose listen addresses are traffic and
// admin) and waits for /readyz.
func start(t *testing.T, cfgPath, traffic, admin string) *proc {
	t.Helper()
	p := &proc{t: t, base: "http://" + traffic, admin: "http://" + admin, exited: make(chan error, 1),
		logPath: filepath.Join(filepath.Dir(cfgPath), "seqgate.log")}
	logf, err := os.Create(p.logPath)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(binPath, "run", "-config", cfgPath)
	p.cmd.Stderr = logf
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exited <- p.cmd.Wait(); _ = logf.Close() }()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.exited:
			t.Fatalf("seqgate exited before ready: %v\n%s", err, p.logTail())
		default:
		}
		if resp, err := http.Get(p.admin + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				t.Cleanup(p.stop)
				return p
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = p.cmd.Process.Kill()
	t.Fatalf("seqgate not ready in 15s\n%s", p.logTail())
	return nil
}

func (p *proc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.exited:
		if err != nil {
			p.t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		p.t.Error("no exit within 10s of SIGTERM")
	}
}

func (p *proc) logTail() string {
	b, _ := os.ReadFile(p.logPath)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// adminJSON GETs an admin path into v.
func (p *proc) adminJSON(path string, v any) {
	p.t.Helper()
	resp, err := http.Get(p.admin + path)
	if err != nil {
		p.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, v); err != nil {
		p.t.Fatalf("GET %s: %v: %s", path, err, b)
	}
}

// runtimeFigures is /admin/runtime.
type runtimeFigures struct {
	Goroutines int    `json:"goroutines"`
	HeapAlloc  uint64 `json:"heap_alloc_bytes"`
	HeapInuse  uint64 `json:"heap_inuse_bytes"`
}

type configStatus struct {
	Generation  int       `json:"generation"`
	LastAttempt time.Time `json:"last_attempt"`
	LastError   string    `json:"last_error"`
}

func freePort(t *testing.T) string { return testbin.FreePort(t) }

// writeFile writes by rename when atomic, else in place (truncate, write):
// the watcher must cope with both.
func writeFile(t *testing.T, path, content string, atomic bool) {
	t.Helper()
	if !atomic {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}
