package main

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
)

// running is the real composition (build, listen, serve) on loopback
// ports, driven by a signal channel instead of the process's signals.
type running struct {
	t       *testing.T
	srv     *server
	cfgPath string
	root    string // repository root
	traffic string // host:port
	tlsAddr string
	admin   string // http://host:port
	sigs    chan os.Signal
	done    chan struct{} // closed when serve returned
	code    int           // serve's exit code, once done
}

// startServer writes yaml (BACKEND, REPO substituted) to a config file and
// seqs to the super tenant's folder, then builds and serves it.
func startServer(t *testing.T, yaml string, seqs map[string]string, backend string) *running {
	t.Helper()
	return startServerIn(t, t.TempDir(), yaml, backend, seqs)
}

// startServerIn is startServer with the repository (and config) in root.
func startServerIn(t *testing.T, root, yaml, backend string, seqs ...map[string]string) *running {
	t.Helper()
	dir := filepath.Join(root, superSeqDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, m := range seqs {
		for name, xml := range m {
			writeFile(t, filepath.Join(dir, name), xml)
		}
	}
	r := &running{t: t, root: root, cfgPath: filepath.Join(root, "config.yaml"), sigs: make(chan os.Signal, 2), done: make(chan struct{})}
	r.writeConfig(yaml, backend)
	cfg, err := config.LoadLocated(r.cfgPath)
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	srv, err := build(cfg, zap.NewNop())
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	srv.path, r.srv = r.cfgPath, srv
	if err := srv.listen(); err != nil {
		t.Fatalf("listen: %v", err)
	}
	r.traffic = srv.ln.Addr().String()
	if srv.tlsLn != nil {
		r.tlsAddr = srv.tlsLn.Addr().String()
	}
	if srv.adminLn != nil {
		r.admin = "http://" + srv.adminLn.Addr().String()
	}
	go func() { r.code = srv.serve(r.sigs); close(r.done) }()
	t.Cleanup(r.stop)
	return r
}

// writeConfig (re)writes the config file by rename, as an editor does.
func (r *running) writeConfig(yaml, backend string) {
	r.t.Helper()
	yaml = strings.NewReplacer("BACKEND", backend, "REPO", r.root).Replace(yaml)
	writeFile(r.t, r.cfgPath, yaml)
}

// stop sends SIGTERM unless serve already returned, and closes the server.
func (r *running) stop() {
	select {
	case <-r.done:
	default:
		r.sigs <- syscall.SIGTERM
		r.sigs <- syscall.SIGTERM // skip the drain delay
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			r.t.Error("serve did not return within 10s of SIGTERM")
		}
	}
	r.srv.close()
}

// get answers the status and body of a GET on the admin listener.
func (r *running) get(path string) (int, string) {
	r.t.Helper()
	resp, err := http.Get(r.admin + path)
	if err != nil {
		r.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// writeFile writes by rename, so a watcher never sees half a file.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// eventually polls cond every 10ms for up to 5s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// freeAddr is a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
