// Package hostile sends what the internet sends to a gateway at its edge:
// oversized and malformed requests, smuggling attempts, path tricks, slow
// clients, hostile payloads and unauthenticated admin calls. Every test
// runs the real binary, talks to it over real sockets (raw TCP where a
// client library would refuse to send the attack), and checks the status,
// that the process still serves a normal request afterwards, and that its
// resident memory stays bounded. The limits tested are documented in
// SECURITY.md and deploy/config/README.md.
package hostile

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/testbin"
)

// binPath is the binary under test: $SEQGATE_BIN, or built once by TestMain.
var binPath string

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int { return testbin.Main(m, "hostile", &binPath) }

// Limits every test runs under: small, so attacks stay cheap to send.
const limitsYAML = `
limits:
  max_body_bytes: 65536
  max_uri_bytes: 1024
  max_header_bytes: 2048
  max_headers: 20
  max_xml_depth: 32
  max_json_depth: 32
  max_xml_elements: 1000
  max_xml_attributes: 8
  max_xml_attribute_length: 256
  max_xml_children: 200
  max_xml_text_length: 4096
  max_json_keys: 50
  max_json_array_length: 1000
  max_json_string_length: 4096
  max_json_key_length: 64
timeouts: {header_read: 1s, read: 5s, idle: 1s, backend: 5s}
`

// payloadSeq makes /payload/v1 read its request payload (an XPath over the
// body), so the payload limits apply. WSO2 writes version v1 as ":vv1".
const payloadSeq = `<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--Payload:vv1--In">
  <property name="n" expression="count(//*)"/>
</sequence>
`

// gateway is one running seqgate with a recording backend.
type gateway struct {
	t       *testing.T
	cmd     *exec.Cmd
	traffic string // 127.0.0.1:port
	admin   string
	stderr  *syncBuffer
	hits    *atomic.Int64 // requests the backend received
	last    *atomic.Pointer[backendRequest]
	exited  chan error
}

// spec is what a test changes from the standard gateway: extra listen
// YAML (e.g. an admin token), the limits and timeouts block, APIs on
// backends of its own and sequences; for authentication, top-level
// sections (security, applications) and API entries written out in full.
type spec struct {
	listenExtra string
	limits      string            // replaces limitsYAML when set
	apis        []apiSpec         // beside Echo, Payload and Secret
	seqs        map[string]string // file name → sequence XML (super tenant)
	// extra is appended to the config: more apis list items (with auth)
	// first, then top-level sections such as security; it gets the
	// backend's URL.
	extra func(backendURL string) string
}

// backendRequest is what the standard backend received last: a test
// asserts on what the gateway forwarded, not only on what it answered.
type backendRequest struct {
	header, trailer http.Header
	body            string
}

// apiSpec is one super-tenant API with version v1 and no auth; an empty
// backend is the standard recording backend (g.hits, g.last).
type apiSpec struct{ name, ctx, backend string }

// startGateway writes a repository and config (extra YAML is appended
// after the listen section, e.g. an admin token) and waits for /readyz.
func startGateway(t *testing.T, listenExtra string) *gateway {
	return startSpec(t, spec{listenExtra: listenExtra})
}

// startSpec starts a gateway with the standard APIs and what s adds.
func startSpec(t *testing.T, s spec) *gateway {
	t.Helper()
	dir := t.TempDir()
	hits := &atomic.Int64{}
	last := &atomic.Pointer[backendRequest]{}
	be := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		last.Store(&backendRequest{header: r.Header.Clone(), trailer: r.Trailer.Clone(), body: string(body)})
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("backend saw " + r.URL.EscapedPath()))
	}))
	t.Cleanup(be.Close)
	seqDir := filepath.Join(dir, "repository", "deployment", "server", "synapse-configs", "default", "sequences")
	tenantDir := filepath.Join(dir, "repository", "tenants", "1", "synapse-configs", "default", "sequences")
	for _, d := range []string{seqDir, tenantDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(seqDir, "payload_in.xml"), payloadSeq)
	for name, xml := range s.seqs {
		writeFile(t, filepath.Join(seqDir, name), xml)
	}
	limits := limitsYAML
	if s.limits != "" {
		limits = s.limits
	}
	apis := []apiSpec{{"Echo", "/echo", be.URL + "/echo"}, {"Payload", "/payload", be.URL + "/payload"}}
	for _, a := range s.apis {
		if a.backend == "" { // the standard, recording backend
			a.backend = be.URL + a.ctx
		}
		apis = append(apis, a)
	}
	for attempt := 0; attempt < 3; attempt++ {
		traffic, admin := freePort(t), freePort(t)
		cfg := fmt.Sprintf("listen: {http: %q, admin: %q%s}\nrepository: .\nlifecycle: {drain_delay: 0s}\n%s\ntenants: [{id: 1, domain: acme.com}]\napis:\n", traffic, admin, s.listenExtra, limits)
		for _, a := range apis {
			cfg += fmt.Sprintf("  - {provider: admin, name: %s, version: v1, context: %s, tenant: carbon.super, auth: %s, backend: [%q]}\n",
				a.name, a.ctx, "none", a.backend)
		}
		cfg += fmt.Sprintf("  - {provider: admin, name: Secret, version: v1, context: /secret, tenant: acme.com, auth: none, backend: [%q]}\n", be.URL+"/secret")
		if s.extra != nil {
			cfg += s.extra(be.URL)
		}
		cfgPath := filepath.Join(dir, "config.yaml")
		writeFile(t, cfgPath, cfg)
		g := &gateway{t: t, traffic: traffic, admin: admin, hits: hits, last: last}
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

// alive asserts the process is still running and serves a normal request.
func (g *gateway) alive() {
	g.t.Helper()
	select {
	case err := <-g.exited:
		g.t.Fatalf("seqgate died (%v); stderr tail:\n%s", err, tail(g.stderr.String(), 3000))
	default:
	}
	r := send(g.t, g.traffic, "GET /echo/v1/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3*time.Second)
	if r.status != 200 || !strings.Contains(r.body, "backend saw /echo/ping") {
		g.t.Fatalf("normal request after the attack: status %d body %q", r.status, r.body)
	}
}

// maxRSS is the bound on the gateway's resident memory after an attack:
// generous (an idle gateway uses ~20 MB), but far below what an unbounded
// buffer or tree would take (scaled for a race-built binary: RSSBound).
var maxRSS = testbin.RSSBound(256 << 20)

// rss returns the gateway's resident set size in bytes (Linux VmRSS).
func (g *gateway) rss() int64 { return g.procStatus("VmRSS:") }

// peakRSS returns the highest resident set size the gateway has had
// (Linux VmHWM): it catches a burst the garbage collector gave back.
func (g *gateway) peakRSS() int64 { return g.procStatus("VmHWM:") }

// mem describes the gateway's memory for test logs.
func (g *gateway) mem() string {
	return fmt.Sprintf("VmRSS %d MiB, peak %d MiB", g.rss()>>20, g.peakRSS()>>20)
}

// procStatus reads one kB field of /proc/<pid>/status, in bytes.
func (g *gateway) procStatus(field string) int64 {
	g.t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(g.cmd.Process.Pid) + "/status")
	if err != nil {
		g.t.Fatalf("reading %s: %v", field, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				g.t.Fatalf("%s %q: %v", field, v, err)
			}
			return kb << 10
		}
	}
	g.t.Fatalf("no %s in /proc status", field)
	return 0
}

// bounded asserts the process is alive and its peak memory, during the
// attack as well as after it, below maxRSS.
func (g *gateway) bounded() {
	g.t.Helper()
	g.alive()
	if r := g.peakRSS(); r > maxRSS {
		g.t.Errorf("peak VmRSS %d MiB during the attack, bound %d MiB", r>>20, maxRSS>>20)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

type syncBuffer = testbin.SyncBuffer

func tail(s string, n int) string { return testbin.Tail(s, n) }

// apisThen is a spec.extra: more apis entries (YAML flow mappings), then
// top-level sections (applications, security, tiers...).
func apisThen(apis []string, sections string) func(string) string {
	return func(string) string {
		var b strings.Builder
		for _, a := range apis {
			b.WriteString("  - " + a + "\n")
		}
		return b.String() + sections + "\n"
	}
}
