// Package console tests the web console of the admin listener in a real
// browser: Debian's chromium, driven through the DevTools protocol
// (github.com/chromedp/chromedp), against the seqgate binary on
// 127.0.0.1 with a real backend. The tests skip, saying so, when no
// chromium is installed (CI installs it: .ci/run). TestConsoleFirefox runs
// the core of them in Firefox over WebDriver BiDi (bidi_test.go); it skips
// the same way without firefox-esr.
//
// SEQGATE_CONSOLE_SCREENSHOTS=1 writes a screenshot of each page into
// tests/console/screenshots/ (the README shows them); without it nothing is written, so
// a normal run leaves the tree clean.
package console

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.yaml.in/yaml/v3"

	"github.com/seqgate/seqgate/tests/testbin"
)

var binPath string

func TestMain(m *testing.M) { os.Exit(testbin.Main(m, "console", &binPath)) }

// gateway is one running seqgate with its repository and backend.
type gateway struct {
	admin    string // http://127.0.0.1:<admin>
	traffic  string // http://127.0.0.1:<traffic>
	superDir string // the super tenant's sequences folder
	backend  *backend
	proc     *testbin.Proc
}

// setup is what a test's gateway holds.
type setup struct {
	token   string
	tenants int               // extra tenants t1.example ... (ids 1..n)
	files   map[string]string // super tenant sequence files
	perTen  int               // sequence files per extra tenant
	apis    int               // extra APIs Api<i> (auth none)
}

// backend answers 200 {"ok":true}, echoing the X-Version request header
// as Echo-X-Version so a test sees what the sequence set.
type backend struct {
	srv  *httptest.Server
	hits atomic.Int64
}

func newBackend(t *testing.T) *backend {
	b := &backend{}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.hits.Add(1)
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		if v := r.Header.Get("X-Version"); v != "" {
			w.Header().Set("Echo-X-Version", v)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(b.srv.Close)
	return b
}

// seqXML is a sequence in the Synapse namespace; the mediators start on
// line 3.
func seqXML(name string, mediators ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<sequence xmlns="http://ws.apache.org/ns/synapse" name="` + name + `">` + "\n" +
		strings.Join(mediators, "\n") + "\n</sequence>\n"
}

// header sets an outgoing transport header.
func header(name, value string) string {
	return `  <property name="` + name + `" scope="transport" value="` + value + `"/>`
}

const ordersIn = "admin--Orders:v1.0.0--In"

func api(provider, name, context, tenant, backendURL string) map[string]any {
	return map[string]any{"provider": provider, "name": name, "version": "1.0.0", "context": context, "tenant": tenant,
		"auth": "none", "tier": "Gold", "backend": []string{backendURL},
		"resources": []map[string]any{{"methods": []string{"GET"}, "uri_template": "/{id}"}, {"methods": []string{"POST"}, "uri_template": "/*"}}}
}

// start writes the repository and config and starts the binary.
func start(t *testing.T, s setup) *gateway {
	t.Helper()
	dir := t.TempDir()
	g := &gateway{backend: newBackend(t)}
	home := filepath.Join(dir, "home", "repository")
	g.superDir = filepath.Join(home, "deployment", "server", "synapse-configs", "default", "sequences")
	mkdir(t, g.superDir)
	for name, xml := range s.files {
		write(t, filepath.Join(g.superDir, name), xml)
	}
	tenants := []map[string]any{{"id": 1, "domain": "acme.com"}}
	mkdir(t, filepath.Join(home, "tenants", "1", "synapse-configs", "default", "sequences"))
	for i := 2; i <= s.tenants; i++ {
		domain := fmt.Sprintf("t%d.example", i)
		tenants = append(tenants, map[string]any{"id": i, "domain": domain})
		d := filepath.Join(home, "tenants", fmt.Sprint(i), "synapse-configs", "default", "sequences")
		mkdir(t, d)
		for j := 0; j < s.perTen; j++ {
			write(t, filepath.Join(d, fmt.Sprintf("s%d.xml", j)), seqXML(fmt.Sprintf("s%d", j), `  <log level="custom"/>`))
		}
	}
	be := g.backend.srv.URL
	apis := []map[string]any{api("admin", "Orders", "/orders", "carbon.super", be+"/orders"),
		api("admin@acme.com", "Shop", "/shop", "acme.com", be+"/shop"),
		api("admin", "Down", "/down", "carbon.super", "http://"+testbin.ClosedPort(t))} // every call fails
	for i := 0; i < s.apis; i++ {
		apis = append(apis, api("admin", fmt.Sprintf("Api%d", i), fmt.Sprintf("/api%d", i), "carbon.super", be))
	}
	for attempt := 0; attempt < 3; attempt++ {
		traffic, admin := testbin.FreePort(t), testbin.FreePort(t)
		listen := map[string]string{"http": traffic, "admin": admin}
		if s.token != "" {
			listen["admin_token"] = s.token
		}
		doc := map[string]any{"listen": listen, "repository": "./home", "lifecycle": map[string]string{"drain_delay": "0s"},
			"extension_handler_position": "bottom", "tenants": tenants,
			"tiers": []map[string]any{{"name": "Gold", "requests": 1000000, "unit": "1m"}}, "apis": apis}
		out, err := yaml.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		cfg := filepath.Join(dir, "config.yaml")
		write(t, cfg, string(out))
		if p, ok := testbin.Launch(t, binPath, admin, "run", "-config", cfg); ok {
			g.proc, g.admin, g.traffic = p, "http://"+admin, "http://"+traffic
			return g
		}
	}
	t.Fatal("seqgate did not start after 3 attempts (ports taken)")
	return nil
}

func mkdir(t *testing.T, d string) {
	t.Helper()
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// get sends one request to the gateway (traffic or admin) and returns
// status, headers and body.
func get(t *testing.T, url string, hdr ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// chromiumPath is the browser to drive, or "" when none is installed.
func chromiumPath() string {
	if p := os.Getenv("SEQGATE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser starts a headless chromium for the test (a fresh profile, so
// sessionStorage starts empty) and returns a context to run actions in.
// Without chromium the test is skipped with a message that says what to
// install.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		t.Skip("SKIPPED: no chromium on this machine: the web console's browser tests need it (apt-get install chromium; or set SEQGATE_CHROMIUM)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900), chromedp.Flag("disable-gpu", true), chromedp.Flag("no-proxy-server", true),
		chromedp.UserDataDir(t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA() })
	// The first call starts the browser; it lives as long as ctx, so it
	// gets no timeout of its own (chromedp.Run's rule).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// actionTimeout bounds each step in the browser.
const actionTimeout = time.Minute

// run runs browser actions, failing the test with what it was doing.
func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(c, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// text is the text content of the first element matching the CSS selector.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, actionTimeout)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("eval %s: %v", js, err)
	}
	return v
}

// waitJS waits until a JavaScript expression is true (polling), failing
// after timeout with the page's status line.
func waitJS(t *testing.T, ctx context.Context, what, js string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if eval[bool](t, ctx, "!!("+js+")") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not true within %v: %s (page status: %q)", what, timeout, js, eval[string](t, ctx, `document.getElementById("status").textContent`))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// screenshot saves the page as tests/console/screenshots/<name>.png when
// SEQGATE_CONSOLE_SCREENSHOTS=1.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("SEQGATE_CONSOLE_SCREENSHOTS") != "1" {
		return
	}
	c, cancel := context.WithTimeout(ctx, actionTimeout)
	defer cancel()
	buf, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := "screenshots"
	mkdir(t, dir)
	write(t, filepath.Join(dir, name+".png"), string(buf))
}
