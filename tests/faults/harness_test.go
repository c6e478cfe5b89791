// Package faults runs the real binary through the faults issue 8 lists as
// survived: backends that reset or answer garbage, a sequences folder that
// becomes unreadable, vanishes or fills with 2,000 files at once, an
// oversized file and a symlink loop. Each case checks the log line, the
// admin status where one applies, and that the rest of the gateway keeps
// serving with its sequences applied.
package faults

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/testbin"
)

var binPath string

func TestMain(m *testing.M) { os.Exit(testbin.Main(m, "faults", &binPath)) }

// gateway is one running seqgate over a temp repository.
type gateway struct {
	t        *testing.T
	cmd      *exec.Cmd
	traffic  string
	admin    string
	stderr   *testbin.SyncBuffer
	exited   chan error
	superDir string // super tenant sequences folder
	acmeDir  string // tenant 1 (acme.com) sequences folder
}

// seqXML is an In sequence for API name that sets the X-Seq request
// header to value; the echo backend answers "seq=<X-Seq>".
func seqXML(api, value string) string {
	return fmt.Sprintf(`<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--%s:vv1--In">
  <header name="X-Seq" value="%s" scope="transport"/>
</sequence>
`, api, value)
}

// startGateway starts seqgate with APIs Echo (super tenant) and Acme
// (acme.com) on an echo backend, plus extra APIs (name -> backend URL) on
// the super tenant. withAcme false leaves tenant 1's folder absent.
func startGateway(t *testing.T, extra map[string]string, withAcme bool) *gateway {
	t.Helper()
	return startGatewayWith(t, extra, withAcme, "")
}

// startGatewayYAML is startGateway (without tenant 1's folder) with more
// top-level config YAML.
func startGatewayYAML(t *testing.T, extra map[string]string, yaml string) *gateway {
	t.Helper()
	return startGatewayWith(t, extra, false, yaml)
}

func startGatewayWith(t *testing.T, extra map[string]string, withAcme bool, moreYAML string) *gateway {
	t.Helper()
	root := t.TempDir()
	be := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "seq="+r.Header.Get("X-Seq"))
	}))
	t.Cleanup(be.Close)
	g := &gateway{t: t,
		superDir: filepath.Join(root, "repository", "deployment", "server", "synapse-configs", "default", "sequences"),
		acmeDir:  filepath.Join(root, "repository", "tenants", "1", "synapse-configs", "default", "sequences")}
	mkdir(t, g.superDir)
	writeFile(t, filepath.Join(g.superDir, "echo_in.xml"), seqXML("Echo", "super"))
	if withAcme {
		mkdir(t, g.acmeDir)
		writeFile(t, filepath.Join(g.acmeDir, "acme_in.xml"), seqXML("Acme", "acme"))
	} else {
		mkdir(t, filepath.Dir(g.acmeDir))
	}
	apis := fmt.Sprintf("  - {provider: admin, name: Echo, version: v1, context: /echo, auth: none, backend: [%q]}\n", be.URL)
	apis += fmt.Sprintf("  - {provider: admin, name: Acme, version: v1, context: /acme, tenant: acme.com, auth: none, backend: [%q]}\n", be.URL)
	for name, url := range extra {
		apis += fmt.Sprintf("  - {provider: admin, name: %s, version: v1, context: /%s, auth: none, backend: [%q]}\n",
			name, strings.ToLower(name), url)
	}
	for attempt := 0; attempt < 3; attempt++ {
		g.traffic, g.admin = testbin.FreePort(t), testbin.FreePort(t)
		cfg := fmt.Sprintf("listen: {http: %q, admin: %q}\nrepository: %s\nlifecycle: { drain_delay: 0s }\ntimeouts: {backend: 3s}\ntenants: [{id: 1, domain: acme.com}]\n%sapis:\n%s",
			g.traffic, g.admin, root, moreYAML, apis)
		cfgPath := filepath.Join(root, "config.yaml")
		writeFile(t, cfgPath, cfg)
		if g.launch(cfgPath) {
			return g
		}
	}
	t.Fatal("seqgate did not start after 3 attempts")
	return nil
}

// launch starts the process; false means a port was taken meanwhile.
func (g *gateway) launch(cfgPath string) bool {
	p, ok := testbin.Launch(g.t, binPath, g.admin, "run", "-config", cfgPath)
	if ok {
		g.cmd, g.stderr, g.exited = p.Cmd, p.Stderr, p.Exited
	}
	return ok
}

var client = &http.Client{Timeout: 5 * time.Second}

// get sends GET path to the traffic port.
func (g *gateway) get(path string) (int, http.Header, string) {
	g.t.Helper()
	r, err := client.Get("http://" + g.traffic + path)
	if err != nil {
		g.t.Fatalf("GET %s: %v\nstderr tail:\n%s", path, err, testbin.Tail(g.stderr.String(), 3000))
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, r.Header, string(b)
}

// expect asserts the process is up and path answers 200 with body want.
func (g *gateway) expect(path, want string) {
	g.t.Helper()
	select {
	case err := <-g.exited:
		g.t.Fatalf("seqgate died (%v):\n%s", err, testbin.Tail(g.stderr.String(), 3000))
	default:
	}
	if st, _, body := g.get(path); st != 200 || body != want {
		g.t.Fatalf("GET %s: status %d body %q, want 200 %q", path, st, body, want)
	}
}

// untouched checks both tenants' sequences are applied.
func (g *gateway) untouched() {
	g.t.Helper()
	g.expect("/echo/v1/x", "seq=super")
	g.expect("/t/acme.com/acme/v1/x", "seq=acme")
}

type fileStatus struct {
	File      string   `json:"file"`
	State     string   `json:"state"`
	Error     string   `json:"error"`
	Sequences []string `json:"sequences"`
}

type tenantStatus struct {
	Domain string       `json:"domain"`
	Loaded bool         `json:"loaded"`
	Files  []fileStatus `json:"files"`
	Error  string       `json:"error"`
}

// status returns GET /admin/sequences for domain.
func (g *gateway) status(domain string) tenantStatus {
	g.t.Helper()
	r, err := client.Get("http://" + g.admin + "/admin/sequences")
	if err != nil {
		g.t.Fatal(err)
	}
	defer r.Body.Close()
	var v struct{ Tenants []tenantStatus }
	if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
		g.t.Fatalf("admin status: %v", err)
	}
	for _, ts := range v.Tenants {
		if ts.Domain == domain {
			return ts
		}
	}
	g.t.Fatalf("admin status: no tenant %q in %+v", domain, v.Tenants)
	return tenantStatus{}
}

func (ts tenantStatus) file(name string) (fileStatus, bool) {
	for _, f := range ts.Files {
		if f.File == name {
			return f, true
		}
	}
	return fileStatus{}, false
}

// eventually polls cond until it holds or within elapses.
func (g *gateway) eventually(within time.Duration, what string, cond func() bool) time.Duration {
	g.t.Helper()
	start := time.Now()
	for {
		if cond() {
			return time.Since(start)
		}
		if time.Since(start) > within {
			g.t.Fatalf("%s: not within %v; stderr tail:\n%s", what, within, testbin.Tail(g.stderr.String(), 3000))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// logged waits for s to appear on stderr.
func (g *gateway) logged(s string) {
	g.t.Helper()
	g.eventually(3*time.Second, "log line "+strconv.Quote(s), func() bool { return strings.Contains(g.stderr.String(), s) })
}

// rss is the gateway's resident set size in bytes (Linux VmRSS).
func (g *gateway) rss() int64 {
	g.t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(g.cmd.Process.Pid) + "/status")
	if err != nil {
		g.t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				g.t.Fatal(err)
			}
			return kb << 10
		}
	}
	g.t.Fatal("no VmRSS")
	return 0
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
