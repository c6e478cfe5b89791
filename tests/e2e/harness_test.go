// Package e2e holds black-box end-to-end tests of the seqgate binary: each
// test builds a WSO2-layout repository and a config in a temp folder, starts
// the real binary, and sends real HTTP through it to a recording backend on
// 127.0.0.1. Nothing here imports the gateway's packages: the contract is
// the binary's behaviour (/work/notes/contract.md).
package e2e

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/testbin"
)

// binPath is the seqgate binary under test, built once by TestMain (or taken
// from $SEQGATE_BIN, handy when iterating on the tests alone).
var binPath string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int { return testbin.Main(m, "e2e", &binPath) }

// gateway is one running seqgate process with its repository and backend.
type gateway struct {
	t         *testing.T
	base      string // http://127.0.0.1:<traffic>
	admin     string // http://127.0.0.1:<admin>
	trafficAt string // 127.0.0.1:<traffic>
	superDir  string // super tenant sequences folder
	acmeDir   string // tenant 1 (acme.com) sequences folder
	backend   *backend
	stderr    *syncBuffer
	client    *http.Client
	// halt stops the process as the test's cleanup does (SIGTERM, exit 0
	// checked), once: a test may call it first to read what was written
	// on the way out.
	halt func()
}

// seqFile is a sequence file written before the gateway starts, so that
// /readyz means it was loaded. Tenant 0 is the super tenant, 1 is acme.com.
type seqFile struct {
	Tenant int
	File   string
	XML    string
}

// startGateway writes the repository and config, starts the binary and waits
// for /readyz. It retries with fresh ports when a port was taken between
// picking and binding.
func startGateway(t *testing.T, cfg gwConfig, files ...seqFile) *gateway {
	t.Helper()
	dir := t.TempDir()
	g := &gateway{t: t, backend: newBackend(t)}
	g.superDir, g.acmeDir = makeRepo(t, dir)
	for _, f := range files {
		writeSeq(t, g.dirOf(f.Tenant), f.File, f.XML)
	}
	if cfg.Setup != nil {
		cfg.Setup(g.superDir, g.acmeDir)
	}
	g.client = newClient()
	for attempt := 0; attempt < 3; attempt++ {
		traffic, admin := freePort(t), freePort(t)
		cfgPath := filepath.Join(dir, "config.yaml")
		writeFile(t, cfgPath, cfg.yaml(traffic, admin, g.backend.url()))
		if g.launch(cfgPath, traffic, admin) {
			return g
		}
	}
	t.Fatalf("seqgate did not start after 3 attempts; stderr:\n%s", g.stderr.String())
	return nil
}

// launch starts one process; false means it lost a port race and should be
// retried. Any other start failure ends the test.
func (g *gateway) launch(cfgPath, traffic, admin string) bool {
	t := g.t
	g.stderr = &syncBuffer{}
	cmd := exec.Command(binPath, "run", "-config", cfgPath)
	cmd.Stderr = g.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start seqgate: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	g.trafficAt = traffic
	g.base, g.admin = "http://"+traffic, "http://"+admin
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			if strings.Contains(g.stderr.String(), "address already in use") {
				return false
			}
			t.Fatalf("seqgate exited before ready (%v); stderr:\n%s", err, g.stderr.String())
		default:
		}
		if st, _, _ := get(g.client, g.admin+"/readyz"); st == http.StatusOK {
			var once sync.Once
			g.halt = func() { once.Do(func() { g.stop(cmd, exited) }) }
			t.Cleanup(g.halt)
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	<-exited
	t.Fatalf("seqgate not ready within 10s; stderr:\n%s", g.stderr.String())
	return false
}

// stop sends SIGTERM, kills after 5 s, and checks the graceful exit the
// contract promises (exit 0).
func (g *gateway) stop(cmd *exec.Cmd, exited chan error) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			g.t.Errorf("seqgate exit after SIGTERM: %v (want exit 0); stderr tail:\n%s", err, tail(g.stderr.String(), 2000))
		}
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		g.t.Errorf("seqgate did not stop within 5s of SIGTERM")
	}
	testbin.NoRace(g.t, g.stderr.String()) // a race-built binary (SEQGATE_RACE=1) found none
	g.client.CloseIdleConnections()
}

func (g *gateway) dirOf(tenant int) string {
	if tenant == 1 {
		return g.acmeDir
	}
	return g.superDir
}

// makeRepo creates the WSO2 layout under dir/home (the config's
// repository), with the super tenant's api and endpoints folders, and returns the super tenant's and tenant 1's sequences
// folders.
func makeRepo(t *testing.T, dir string) (superDir, acmeDir string) {
	t.Helper()
	superDir = filepath.Join(dir, "home", "repository", "deployment", "server", "synapse-configs", "default", "sequences")
	acmeDir = filepath.Join(dir, "home", "repository", "tenants", "1", "synapse-configs", "default", "sequences")
	for _, d := range []string{superDir, acmeDir, filepath.Join(superDir, "..", "api"), filepath.Join(superDir, "..", "endpoints")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return superDir, acmeDir
}

// freePort picks a free loopback port; the listener is closed so the
// gateway can bind it (startGateway retries if someone else got it first).
func freePort(t *testing.T) string { return testbin.FreePort(t) }

func closedPort(t *testing.T) string { return testbin.ClosedPort(t) }

// syncBuffer collects the gateway's stderr; exec copies into it from its
// own goroutine while tests read it.
type syncBuffer struct{ testbin.SyncBuffer }

// lines returns the complete lines written so far that contain all of subs.
func (b *syncBuffer) lines(subs ...string) []string {
	var out []string
	for _, l := range strings.Split(b.String(), "\n") {
		if containsAll(l, subs...) {
			out = append(out, l)
		}
	}
	return out
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func tail(s string, n int) string { return testbin.Tail(s, n) }
