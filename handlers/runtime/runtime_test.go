package runtime

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
)

// testConfig is a gateway config on a temp repository with one API per
// name, every API on backend; extra is appended as more top-level keys.
func testConfig(t *testing.T, root, backend, extra string, apis ...string) *config.Config {
	t.Helper()
	var b strings.Builder
	b.WriteString("listen: { http: \"127.0.0.1:0\", admin: \"off\" }\nrepository: " + root + "\n" + extra + "\napis:\n")
	for _, a := range apis {
		b.WriteString("  - { provider: admin, name: " + a + ", version: 1.0.0, context: /" + strings.ToLower(a) +
			", auth: none, backend: [ \"" + backend + "\" ] }\n")
	}
	cfg, err := config.Parse([]byte(b.String()))
	if err != nil {
		t.Fatalf("config: %v\n%s", err, b.String())
	}
	return cfg
}

// newRuntime is New and Start on a temp repository, closed at cleanup.
func newRuntime(t *testing.T, cfg *config.Config) *Runtime {
	t.Helper()
	rt, err := New(cfg, zap.NewNop(), Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(rt.Close)
	if err := rt.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return rt
}

func tempRepo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "repository", "deployment", "server", "synapse-configs", "default", "sequences")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

// startBackend answers every request 200 on 127.0.0.1.
func startBackend(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString(`{"ok":true}`) }}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Shutdown() })
	return "http://" + ln.Addr().String()
}

// serve serves the runtime's switch on 127.0.0.1, as `seqgate run` does.
func serve(t *testing.T, rt *Runtime) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := rt.Switch().Server(rt.ServerOptions())
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Shutdown() })
	return ln.Addr().String()
}

// status is the status the gateway at addr answers GET path with.
func status(t *testing.T, addr, path string) int {
	t.Helper()
	code, _, err := fasthttp.GetTimeout(nil, "http://"+addr+path, 10*time.Second)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return code
}

// TestApplyGenerations: an applied config serves its APIs on the next
// request and counts a generation; one whose generation does not build is
// refused with its reason, and the running one stays.
func TestApplyGenerations(t *testing.T) {
	root, backend := tempRepo(t), startBackend(t)
	rt := newRuntime(t, testConfig(t, root, backend, "", "Old"))
	addr := serve(t, rt)
	if st := rt.Status(); st.Generation != 1 || st.LastError != "" {
		t.Fatalf("start: %+v", st)
	}
	if got := status(t, addr, "/old/1.0.0/x"); got != 200 {
		t.Fatalf("Old answered %d", got)
	}

	if err := rt.Apply(testConfig(t, root, backend, "", "New"), "test"); err != nil {
		t.Fatal(err)
	}
	if got, gotOld := status(t, addr, "/new/1.0.0/x"), status(t, addr, "/old/1.0.0/x"); got != 200 || gotOld != 404 {
		t.Errorf("after Apply: New %d (want 200), Old %d (want 404)", got, gotOld)
	}
	if st := rt.Status(); st.Generation != 2 {
		t.Errorf("generation %d after one Apply, want 2", st.Generation)
	}

	// redis.* is read at start only: a reload that adds it is refused
	bad := testConfig(t, root, backend, "redis: { addr: \"127.0.0.1:1\" }\nthrottling: { store: redis }", "Bad")
	err := rt.Apply(bad, "test")
	if err == nil || !strings.Contains(err.Error(), "no redis client") {
		t.Fatalf("Apply of store: redis without a client: %v", err)
	}
	if st := rt.Status(); st.Generation != 2 || st.LastError != err.Error() {
		t.Errorf("after a refused Apply: %+v", st)
	}
	if rt.Config().APIs[0].Name != "New" || status(t, addr, "/new/1.0.0/x") != 200 {
		t.Error("a refused Apply changed the running generation")
	}
}

// TestKeptAcrossGenerations: the throttle store, the authn registry and the
// tracer are the same objects after an Apply, so counters, JWKS caches and
// spans carry on.
func TestKeptAcrossGenerations(t *testing.T) {
	root, backend := tempRepo(t), startBackend(t)
	cfg := testConfig(t, root, backend, "", "A")
	rt := newRuntime(t, cfg)
	store, health, err := rt.throttleStore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	reg, tracer := rt.Authn(), rt.tracing.provider
	if err := rt.Apply(testConfig(t, root, backend, "", "A", "B"), "test"); err != nil {
		t.Fatal(err)
	}
	store2, health2, _ := rt.throttleStore(rt.Config())
	if store2 != store || health2 != health {
		t.Error("Apply replaced the throttle store: quotas would reset on reload")
	}
	if rt.Authn() != reg || rt.tracing.provider != tracer {
		t.Error("Apply replaced the authn registry or the tracer")
	}
}

// TestAnalyticsLiveNext: a generation with an unchanged analytics section
// reuses the live publisher; a changed one builds a next publisher that
// stays next until the generation is switched in (a build that fails later
// leaves it for the next attempt to reuse or close), then becomes live.
func TestAnalyticsLiveNext(t *testing.T) {
	root, backend := tempRepo(t), startBackend(t)
	sink := func(name string) string {
		return "analytics: { sinks: [ { type: file, path: " + filepath.Join(root, name) + ", flush_interval: 1h } ] }"
	}
	a := testConfig(t, root, backend, sink("a.jsonl"), "A")
	rt := newRuntime(t, a)
	first := rt.Publisher()
	if first == nil {
		t.Fatal("no publisher with usage events on")
	}
	if p, err := rt.publisher(testConfig(t, root, backend, sink("a.jsonl"), "A", "B")); err != nil || p != first {
		t.Fatalf("unchanged section: %p %v, want the live %p", p, err, first)
	}
	b := testConfig(t, root, backend, sink("b.jsonl"), "A")
	next, err := rt.publisher(b)
	if err != nil || next == first || next == nil {
		t.Fatalf("changed section: %p %v", next, err)
	}
	if again, _ := rt.publisher(b); again != next {
		t.Error("a second build for the same section did not reuse the next publisher")
	}
	if rt.Publisher() != first {
		t.Error("the next publisher went live before its generation was switched in")
	}
	if p, _ := rt.publisher(a); p != first || rt.events.next != nil {
		t.Error("going back to the live section did not drop the next publisher")
	}
	if err := rt.Apply(b, "test"); err != nil {
		t.Fatal(err)
	}
	if p := rt.Publisher(); p == first || p == nil || rt.events.next != nil {
		t.Errorf("after Apply the live publisher is %p (first %p), next %v", p, first, rt.events.next)
	}
}

// TestUnionTenants: while two routers may run, the tenants of both serve,
// except one the new config renames or renumbers.
func TestUnionTenants(t *testing.T) {
	cur := []config.Tenant{{ID: 1, Domain: "a.com"}, {ID: 2, Domain: "b.com"}}
	prev := []config.Tenant{{ID: 1, Domain: "old-a.com"}, {ID: 9, Domain: "b.com"}, {ID: 3, Domain: "c.com"}}
	got := unionTenants(cur, prev)
	if len(got) != 3 || got[2].Domain != "c.com" {
		t.Errorf("unionTenants = %v, want a.com, b.com, c.com", got)
	}
}

// TestNewConfigError: a repository that is not there is a ConfigError
// naming the key, which `seqgate run` prints with its line.
func TestNewConfigError(t *testing.T) {
	cfg := testConfig(t, filepath.Join(t.TempDir(), "missing"), "http://127.0.0.1:1", "", "A")
	_, err := New(cfg, zap.NewNop(), Options{})
	ce, ok := err.(*ConfigError)
	if !ok || ce.Key != "repository" || !strings.Contains(ce.Msg, "does not exist") {
		t.Fatalf("New with a missing repository: %v", err)
	}
}

// TestIsolated: with Options.Isolated a config naming Redis, analytics,
// tracing, an access log and HTTPS certificates builds and serves on the
// process's own state: no Redis client (throttle counters in memory), no
// publisher, no tracer, no access log file, no certificates loaded (their
// files do not exist). Without it the same config is refused for the
// missing certificate, so the option is what keeps them off.
func TestIsolated(t *testing.T) {
	root, backend := tempRepo(t), startBackend(t)
	accessLog := filepath.Join(root, "access.log")
	extra := `redis: { addr: "127.0.0.1:1" }
throttling: { store: redis }
analytics: { sinks: [ { type: file, path: ` + filepath.Join(root, "events.jsonl") + ` } ] }
tracing: { enabled: true, endpoint: "http://127.0.0.1:1" }
access_log: { enabled: true, output: ` + accessLog + ` }
tls: { certificates: [ { cert: ` + filepath.Join(root, "missing.crt") + `, key: ` + filepath.Join(root, "missing.key") + ` } ] }`
	cfg := testConfig(t, root, backend, extra, "A")
	rt, err := New(cfg, zap.NewNop(), Options{Isolated: true})
	if err != nil {
		t.Fatalf("New(Isolated): %v", err)
	}
	t.Cleanup(rt.Close)
	if err := rt.Start(); err != nil {
		t.Fatal(err)
	}
	addr := serve(t, rt)
	if got := status(t, addr, "/a/1.0.0/x"); got != 200 {
		t.Fatalf("A answered %d", got)
	}
	store, _, err := rt.throttleStore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rt.redis != nil || store != rt.throttle.memory || rt.throttle.redis != nil {
		t.Errorf("redis client %v, throttle store %T: want none and the in-memory store", rt.redis, store)
	}
	if rt.Publisher() != nil || rt.tracing.provider != nil || rt.access != nil || rt.Certs() != nil {
		t.Errorf("publisher %p, tracer %p, access log %p, certs %p: want all off", rt.Publisher(), rt.tracing.provider, rt.access, rt.Certs())
	}
	if _, err := os.Stat(accessLog); !os.IsNotExist(err) {
		t.Errorf("access log file: %v, want none written", err)
	}
	if _, err := New(cfg, zap.NewNop(), Options{}); err == nil || !strings.Contains(err.Error(), "missing.crt") {
		t.Fatalf("New without Isolated: %v, want the missing certificate refused", err)
	}
}
