package endpoint

import (
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

// TestRequestURI: REST_URL_POSTFIX joins the address without a doubled
// slash; with no postfix the address is used as written.
func TestRequestURI(t *testing.T) {
	cases := []struct {
		name, url, postfix string
		withPostfix        bool
		want               string
	}{
		{"empty postfix keeps trailing slash", "http://h/posts/", "", true, "/posts/"},
		{"empty postfix, no slash", "http://h/posts", "", true, "/posts"},
		{"postfix joins trailing slash", "http://h/svc/", "/x?y=1", true, "/svc/x?y=1"},
		{"no path gets root", "http://h", "", true, "/"},
		{"query after postfix", "http://h/svc?k=v", "/x", true, "/svc/x?k=v"},
		{"postfix not applied", "http://h/a/", "/x", false, "/a/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg, err := parseTarget(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(tg.requestURI(nil, tc.postfix, tc.withPostfix)); got != tc.want {
				t.Errorf("requestURI = %q, want %q", got, tc.want)
			}
		})
	}
}

// countingServer is a loopback fasthttp server that counts the connections
// it accepted.
func countingServer(t *testing.T) (addr string, conns *atomic.Int64) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns = &atomic.Int64{}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) { ctx.SetBodyString("ok") },
		ConnState: func(_ net.Conn, st fasthttp.ConnState) {
			if st == fasthttp.StateNew {
				conns.Add(1)
			}
		}}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Shutdown() })
	return l.Addr().String(), conns
}

func sendVia(t *testing.T, ep mediation.Endpoint, pool *Pool) {
	t.Helper()
	mc := &mediation.MessageContext{}
	req, resp := &fasthttp.Request{}, &fasthttp.Response{}
	mc.Reset(req, resp)
	mc.Clients = pool
	if err := ep.Send(mc, req, resp); err != nil {
		t.Fatal(err)
	}
}

func compileAddress(t *testing.T, url string) mediation.Endpoint {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromString(`<endpoint xmlns="http://ws.apache.org/ns/synapse"><address uri="` + url + `"/></endpoint>`); err != nil {
		t.Fatal(err)
	}
	ep, err := Compile(doc.Root(), &mediation.Compiler{File: "t.xml"})
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// TestPoolKeepsConnections: a redeployed endpoint (compiled again) and a
// new generation with the same client settings reuse the connection; a
// generation with other settings gets a client of its own.
func TestPoolKeepsConnections(t *testing.T) {
	addr, conns := countingServer(t)
	gen1 := NewPool(Defaults{MaxResponseBody: 1 << 20}, nil)
	sendVia(t, compileAddress(t, "http://"+addr+"/a"), gen1)
	sendVia(t, compileAddress(t, "http://"+addr+"/a"), gen1) // redeployed
	gen2 := NewPool(Defaults{MaxResponseBody: 1 << 20, Timeout: time.Second}, gen1)
	gen1.Retire(gen2)
	sendVia(t, compileAddress(t, "http://"+addr+"/a"), gen2)
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections, want 1 (kept across redeploy and a reload with the same client settings)", n)
	}
	gen3 := NewPool(Defaults{MaxResponseBody: 2 << 20}, gen2)
	if gen3.Len() != 0 {
		t.Fatalf("a generation with another body limit carried %d clients over", gen3.Len())
	}
	gen2.Retire(gen3)
	sendVia(t, compileAddress(t, "http://"+addr+"/a"), gen3)
	if n := conns.Load(); n != 2 {
		t.Fatalf("%d connections, want 2 (new settings, new client)", n)
	}
}

// TestPoolBounded: distinct hosts past MaxHosts evict the least recently
// used idle client.
func TestPoolBounded(t *testing.T) {
	pool := NewPool(Defaults{MaxHosts: 2}, nil)
	var addrs []string
	for range 4 {
		a, _ := countingServer(t)
		addrs = append(addrs, a)
	}
	for _, a := range addrs {
		sendVia(t, compileAddress(t, "http://"+a+"/"), pool)
		if pool.Len() > 2 {
			t.Fatalf("pool holds %d clients, bound 2", pool.Len())
		}
	}
	tg, _ := parseTarget("http://" + addrs[3] + "/")
	pool.mu.RLock()
	_, kept := pool.m[clientKey{tg.addr, false}]
	pool.mu.RUnlock()
	if !kept {
		t.Error("the most recently used client was evicted")
	}
}

// BenchmarkPoolClient is the per-call cost of finding the generation's
// client (a read lock, a map lookup, an atomic store), in parallel.
func BenchmarkPoolClient(b *testing.B) {
	pool := NewPool(Defaults{}, nil)
	tg, err := parseTarget("http://127.0.0.1:8080/x")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if pool.client(tg) == nil {
				b.Fatal("no client")
			}
		}
	})
}

// TestParseTargetRefusesControls: a To address or expanded uri-template
// built from client data cannot carry a header break in its host.
func TestParseTargetRefusesControls(t *testing.T) {
	for _, u := range []string{"http://h\r\nX-Injected:1/x", "http://h\t/x", "http://a@h/", "http://h x/"} {
		if _, err := parseTarget(u); err == nil {
			t.Errorf("parseTarget(%q): accepted", u)
		}
	}
}
