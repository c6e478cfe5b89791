// Package behaviour holds one end-to-end test per behaviour that
// ../shared/conformance/synapse/SOURCES.md marks DOCUMENTED: the corpus file
// is copied unchanged into a WSO2-layout repository, the real seqgate binary
// serves it, and real HTTP goes through the gateway to a recording backend
// on 127.0.0.1. Like tests/e2e it imports none of the gateway's packages:
// the contract is the binary's behaviour.
package behaviour

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/testbin"
)

// binPath is the seqgate binary under test, built once by TestMain (or taken
// from $SEQGATE_BIN when iterating on the tests alone).
var binPath string

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	code := testbin.Main(m, "behaviour", &binPath)
	stopFixed()
	printTally()
	return code
}

// gateway is one running seqgate with its repository and backend.
type gateway struct {
	t        *testing.T
	base     string // http://127.0.0.1:<traffic>
	admin    string // http://127.0.0.1:<admin>
	seqDir   string // super tenant sequences folder
	epDir    string // super tenant endpoints folder
	backend  *backend
	stderr   *syncBuffer
	client   *http.Client
	trafficP string // the traffic port
}

// setup is what a test gives its gateway: APIs, files, environment.
type setup struct {
	APIs      []apiDef
	Files     []file   // written before start, so /readyz means loaded
	Env       []string // extra NAME=value for the process (system/env scope)
	Backend   *backend // nil: a fresh one
	Endpoints []file   // named endpoint files
}

// file is one file of the super tenant's sequences or endpoints folder.
type file struct{ Name, Body string }

// start writes the repository and config, starts the binary and waits for
// /readyz, retrying with fresh ports if one was taken meanwhile.
func start(t *testing.T, s setup) *gateway {
	t.Helper()
	dir := t.TempDir()
	g := &gateway{t: t, backend: s.Backend, client: newClient()}
	if g.backend == nil {
		g.backend = newBackend(t)
	}
	g.seqDir = filepath.Join(dir, "home", "repository", "deployment", "server", "synapse-configs", "default", "sequences")
	g.epDir = filepath.Join(filepath.Dir(g.seqDir), "endpoints")
	acme := filepath.Join(dir, "home", "repository", "tenants", "1", "synapse-configs", "default", "sequences")
	for _, d := range []string{g.seqDir, g.epDir, acme} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range s.Files {
		writeFile(t, filepath.Join(g.seqDir, f.Name), f.Body)
	}
	for _, f := range s.Endpoints {
		writeFile(t, filepath.Join(g.epDir, f.Name), f.Body)
	}
	for attempt := 0; attempt < 3; attempt++ {
		traffic, admin := freePort(t), freePort(t)
		cfg := filepath.Join(dir, "config.yaml")
		writeFile(t, cfg, configYAML(traffic, admin, g.backend.url(), s.APIs))
		if g.launch(cfg, traffic, admin, s.Env) {
			return g
		}
	}
	t.Fatalf("seqgate did not start after 3 attempts; stderr:\n%s", g.stderr.String())
	return nil
}

// launch starts one process; false means it lost a port race.
func (g *gateway) launch(cfg, traffic, admin string, env []string) bool {
	t := g.t
	g.stderr = &syncBuffer{}
	cmd := exec.Command(binPath, "run", "-config", cfg)
	cmd.Stderr = g.stderr
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start seqgate: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	g.base, g.admin = "http://"+traffic, "http://"+admin
	_, g.trafficP, _ = net.SplitHostPort(traffic)
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
		if st, _ := getStatus(g.client, g.admin+"/readyz"); st == http.StatusOK {
			t.Cleanup(func() { g.stop(cmd, exited) })
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	<-exited
	t.Fatalf("seqgate not ready within 10s; stderr:\n%s", g.stderr.String())
	return false
}

// stop sends SIGTERM and expects a graceful exit 0 within 5 s.
func (g *gateway) stop(cmd *exec.Cmd, exited chan error) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			g.t.Errorf("seqgate exit after SIGTERM: %v (want exit 0)", err)
		}
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		g.t.Errorf("seqgate did not stop within 5s of SIGTERM")
	}
	testbin.NoRace(g.t, g.stderr.String()) // a race-built binary (SEQGATE_RACE=1) found none
	g.client.CloseIdleConnections()
}

// freePort picks a free loopback port (start retries on a lost race).
func freePort(t *testing.T) string { return testbin.FreePort(t) }

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
