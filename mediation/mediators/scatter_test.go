package mediators

import (
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seqgate/seqgate/mediation"
	"github.com/valyala/fasthttp"
)

// startScatterBackend answers on 127.0.0.1:
//
//	/quote  <quotes><quote>BODY</quote></quotes> (XML), or {"quote":BODY} with ?json
//	/slow   nothing until the test ends (a branch beyond every timeout)
//	/fail   500 with a fault body
//	/close  closes the connection without an answer
func startScatterBackend(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	var once sync.Once
	s := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		switch string(ctx.Path()) {
		case "/slow":
			select {
			case <-release:
			case <-time.After(20 * time.Second):
			}
			ctx.SetBodyString("<quotes><quote>late</quote></quotes>")
		case "/fail":
			ctx.SetStatusCode(500)
			ctx.SetContentType("application/xml")
			ctx.SetBodyString("<fault>backend down</fault>")
		case "/close":
			ctx.HijackSetNoResponse(true)
			ctx.Hijack(func(c net.Conn) {})
		default:
			if ctx.QueryArgs().Has("json") {
				ctx.SetContentType("application/json")
				ctx.SetBodyString(`{"quote":` + string(ctx.PostBody()) + `}`)
				return
			}
			ctx.SetContentType("application/xml")
			ctx.SetBodyString("<quotes><quote>" + string(ctx.PostBody()) + "</quote></quotes>")
		}
	}}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() {
		once.Do(func() { close(release) })
		_ = s.Shutdown()
	})
	return "http://" + ln.Addr().String()
}

func wantAll(t *testing.T, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("transcript lacks %q:\n%s", w, got)
		}
	}
}

func wantNone(t *testing.T, got string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(got, w) {
			t.Errorf("transcript has %q:\n%s", w, got)
		}
	}
}

const ordersReq = "POST /api/1.0.0/orders HTTP/1.1\nHost: gw\nContent-Type: application/xml\n\n" +
	"<orders><order><id>1</id></order><order><id>2</id></order><order><id>3</id></order></orders>\n"

// TestScatterCaps: the per-request cap and the process-wide in-flight cap
// refuse a fan-out before any branch runs, with an error naming the key.
func TestScatterCaps(t *testing.T) {
	be := startScatterBackend(t)
	src := `<iterate expression="//order"><target><endpoint><address uri="` + be + `/quote"/></endpoint></target></iterate>`
	l, _, err := compileSnippet(src)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, ordersReq, "")
	e.mc.Limits.MaxBranches = 2
	_, err = l.Mediate(e.mc)
	if err == nil || !strings.Contains(err.Error(), "limits.max_branches_per_request (2)") {
		t.Fatalf("per-request cap: err = %v", err)
	}
	e = newEnv(t, ordersReq, "")
	e.mc.Limits.Inflight = mediation.NewInflight(2)
	_, err = l.Mediate(e.mc)
	if err == nil || !strings.Contains(err.Error(), "limits.max_inflight_branches (2)") {
		t.Fatalf("in-flight cap: err = %v", err)
	}
	if n := e.mc.Limits.Inflight.InUse(); n != 0 {
		t.Errorf("in-flight count after a refusal = %d, want 0", n)
	}
	// Within both caps the same request runs, and gives its branches back.
	e = newEnv(t, ordersReq, "")
	e.mc.Limits.Inflight = mediation.NewInflight(3)
	if _, err = l.Mediate(e.mc); err != nil {
		t.Fatal(err)
	}
	if n := e.mc.Limits.Inflight.InUse(); n != 0 {
		t.Errorf("in-flight count after the scatter = %d, want 0", n)
	}
}

// TestScatterNoGoroutineLeft: a scatter with a slow branch returns with no
// goroutine of its own still running, and Reset releases uncollected
// branch contexts.
func TestScatterNoGoroutineLeft(t *testing.T) {
	be := startScatterBackend(t)
	src := `<clone id="c"><target><endpoint><address uri="` + be + `/slow"/></endpoint></target>
		<target><endpoint><address uri="` + be + `/quote"/></endpoint></target></clone>
		<aggregate id="c"><completeCondition timeout="0.3"/><onComplete expression="//quote"/></aggregate>`
	l, _, err := compileSnippet(src)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		e := newEnv(t, ordersReq, "")
		if _, err := l.Mediate(e.mc); err != nil {
			t.Fatal(err)
		}
		e.mc.Reset(nil, nil)
	}
	// A branch goroutine may still be between wg.Done and its return when
	// the scatter returns: let it finish (bounded), then none may be left.
	var left string
	for i := 0; i < 100; i++ {
		if left = scatterGoroutines(); left == "" {
			return
		}
		runtime.Gosched()
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("branch goroutines outlived the scatter:\n%s", left)
}

// scatterGoroutines are the stacks of running branch goroutines.
func scatterGoroutines() string {
	buf := make([]byte, 1<<20)
	var out []string
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.Contains(g, "mediators.scatter.func") {
			out = append(out, g)
		}
	}
	return strings.Join(out, "\n\n")
}
