// Package concurrency runs the real binary under many concurrent
// keep-alive clients, every request carrying data of its own (an id, a
// type), through sequences that read the body with each expression kind
// (XPath, JSONPath, ${…}, regex) and through the mediators that keep state
// across requests (cache, throttle, call, enrich, script). Each answer must
// be its own request's: the backend echoes what it received and the
// sequences copy the request's values into headers, so a compiled object
// shared unsafely between requests shows up as an answer carrying another
// request's id, a wrong branch or a 500. Counts are bounded (conns ×
// requests per case); under SEQGATE_RACE=1 the binary is race-built and a
// data race fails the test when the process stops (see testbin).
package concurrency

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/testbin"
)

var binPath string

func TestMain(m *testing.M) { os.Exit(testbin.Main(m, "concurrency", &binPath)) }

// conns is the number of concurrent keep-alive client connections of
// every case.
const conns = 64

// perConn is the number of requests each connection sends in a case:
// enough that a shared query's interleavings show up without the race
// detector (the unguarded XPath gave ~1 wrong answer per 2,000 requests),
// an eighth under a race-built binary, which reports a race on the first
// overlapping accesses and runs several times slower.
func perConn(n int) int {
	if testbin.Race() {
		return max(n/8, 5)
	}
	return n
}

// gateway is one running seqgate over a temp repository, in front of the
// echo backend.
type gateway struct {
	t       *testing.T
	traffic string
	admin   string
	proc    *testbin.Proc
	backend *echoBackend
}

// api is one super-tenant API, version v1, no auth; backend "" is the
// echo backend.
type api struct{ name, context, backend string }

// start writes seqs (file name → sequence XML, where {{echo}} is the echo
// backend's URL) into the super tenant's sequences folder, configures apis
// (and extra YAML) and starts seqgate.
func start(t *testing.T, seqs map[string]string, apis []api, extraYAML string) *gateway {
	t.Helper()
	root := t.TempDir()
	be := newEchoBackend(t)
	dir := filepath.Join(root, "repository", "deployment", "server", "synapse-configs", "default", "sequences")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, xml := range seqs {
		xml = strings.ReplaceAll(xml, "{{echo}}", be.url) // a sequence calling the echo backend itself
		if err := os.WriteFile(filepath.Join(dir, name), []byte(xml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var list strings.Builder
	for _, a := range apis {
		url := a.backend
		if url == "" {
			url = be.url
		}
		fmt.Fprintf(&list, "  - {provider: admin, name: %s, version: v1, context: %s, auth: none, backend: [%q]}\n", a.name, a.context, url)
	}
	for attempt := 0; attempt < 3; attempt++ {
		g := &gateway{t: t, traffic: testbin.FreePort(t), admin: testbin.FreePort(t), backend: be}
		cfg := fmt.Sprintf("listen: {http: %q, admin: %q}\nrepository: %s\nlifecycle: {drain_delay: 0s}\ntimeouts: {backend: 20s}\n%s\napis:\n%s",
			g.traffic, g.admin, root, extraYAML, list.String())
		cfgPath := filepath.Join(root, "config.yaml")
		if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		if p, ok := testbin.Launch(t, binPath, g.admin, "run", "-config", cfgPath); ok {
			g.proc = p
			return g
		}
	}
	t.Fatal("seqgate did not start after 3 attempts")
	return nil
}

// echoBackend answers every request with its body and Content-Type (a GET
// with "path=" and the request URI), each request header X-Foo as response
// header Echo-X-Foo, and the request URI as Echo-Path.
type echoBackend struct {
	url  string
	hits atomic.Int64
}

func newEchoBackend(t *testing.T) *echoBackend {
	be := &echoBackend{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		be.hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		for name, v := range r.Header {
			if strings.HasPrefix(name, "X-") {
				w.Header()["Echo-"+name] = v
			}
		}
		w.Header().Set("Echo-Path", r.URL.RequestURI())
		if ct := r.Header.Get("Content-Type"); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		if r.Method == http.MethodGet {
			body = []byte("path=" + r.URL.RequestURI())
		}
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	be.url = srv.URL
	return be
}

// call is one request of a load and the check of its answer.
type call struct {
	method, path, ct, body string
	header                 map[string]string
	// check returns what is wrong with the answer, nil when it is this
	// request's.
	check func(a answer) error
}

type answer struct {
	status int
	header http.Header
	body   string
}

// load sends conns×each calls, each connection its own keep-alive client
// sending its calls one after another, mk(conn, i) making call i of conn.
// It fails the test with the number of wrong answers and the first few.
func (g *gateway) load(each int, mk func(conn, i int) call) {
	g.t.Helper()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		wrong   int
		samples []string
		sent    atomic.Int64
	)
	report := func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		wrong++
		if len(samples) < 8 {
			samples = append(samples, msg)
		}
	}
	began := time.Now()
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// each connection comes from an address of its own
			// (clientIP), so per-caller state differs per connection
			dialer := &net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: clientIP(c)}}
			tr := &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1, DisableCompression: true,
				DialContext: dialer.DialContext}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr, Timeout: 60 * time.Second}
			for i := range each {
				cl := mk(c, i)
				a, err := g.do(client, cl)
				sent.Add(1)
				if err == nil {
					err = cl.check(a)
				}
				if err != nil {
					report(fmt.Sprintf("conn %d call %d %s %s: %v", c, i, cl.method, cl.path, err))
				}
			}
		}()
	}
	wg.Wait()
	g.t.Logf("%d requests on %d connections in %v, %d wrong", sent.Load(), conns, time.Since(began).Round(time.Millisecond), wrong)
	if wrong > 0 {
		g.t.Errorf("%d of %d answers were not their own request's; first ones:\n  %s\nstderr tail:\n%s",
			wrong, sent.Load(), strings.Join(samples, "\n  "), testbin.Tail(g.proc.Stderr.String(), 3000))
	}
}

// clientIP is connection conn's source address: Linux routes all of
// 127.0.0.0/8 to loopback, so a client may bind any of them.
func clientIP(conn int) net.IP { return net.IPv4(127, 0, 1, byte(conn+1)) }

func (g *gateway) do(client *http.Client, cl call) (answer, error) {
	req, err := http.NewRequest(cmpOr(cl.method, "GET"), "http://"+g.traffic+cl.path, strings.NewReader(cl.body))
	if err != nil {
		return answer{}, err
	}
	if cl.ct != "" {
		req.Header.Set("Content-Type", cl.ct)
	}
	for k, v := range cl.header {
		req.Header.Set(k, v)
	}
	r, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	return answer{status: r.StatusCode, header: r.Header, body: string(b)}, err
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// want checks status 200 and that each header named in kv (name, value,
// name, value...) has exactly that value.
func want(a answer, kv ...string) error {
	if a.status != 200 {
		return fmt.Errorf("status %d, body %.200q", a.status, a.body)
	}
	var errs []error
	for i := 0; i+1 < len(kv); i += 2 {
		if got := a.header.Get(kv[i]); got != kv[i+1] {
			errs = append(errs, fmt.Errorf("%s = %q, want %q", kv[i], got, kv[i+1]))
		}
	}
	return errors.Join(errs...)
}

// seq is a super-tenant sequence file for API name (v1) and direction
// ("In" or "Out") around the mediators in body.
func seq(name, dir, body string) string {
	return fmt.Sprintf(`<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--%s:vv1--%s">
%s
</sequence>
`, name, dir, body)
}

// kind alternates two values across requests, so concurrent requests
// disagree on every branch taken.
func kind(conn, i int, a, b string) string {
	if (conn+i)%2 == 0 {
		return a
	}
	return b
}

// id is a request's unique id.
func id(conn, i int) string { return fmt.Sprintf("c%02d-r%03d", conn, i) }
