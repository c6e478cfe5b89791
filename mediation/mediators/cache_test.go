package mediators

import (
	"bufio"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seqgate/seqgate/mediation"
)

// cacheRound runs one request through finder; on a miss it plays the
// backend's answer and runs collector on the response path. It reports
// whether the finder answered and what the client would get.
func cacheRound(t *testing.T, finder, collector mediation.List, tenant, rawReq, rawResp string) (hit bool, got string) {
	t.Helper()
	e := newEnv(t, rawReq, "")
	e.mc.TenantDomain = tenant
	cont, err := finder.Mediate(e.mc)
	if err != nil {
		t.Fatalf("finder: %v", err)
	}
	if !cont {
		return true, e.transcript(cont, err)
	}
	if err := e.mc.Resp.Read(bufio.NewReader(strings.NewReader(rawHTTP(rawResp)))); err != nil {
		t.Fatal(err)
	}
	e.mc.Dir = mediation.Out
	e.mc.InvalidatePayload()
	if _, err := collector.Mediate(e.mc); err != nil {
		t.Fatalf("collector: %v", err)
	}
	return false, ""
}

func TestCacheFlow(t *testing.T) {
	const get = "GET /menu/1.0/items?size=1 HTTP/1.1\nHost: gw\nX-Request-Id: %d\n\n"
	const ok = "HTTP/1.1 200 OK\nContent-Type: application/json\nX-Backend: %d\n\n{\"n\":%d}"
	const post = "POST /menu/1.0/items HTTP/1.1\nHost: gw\nContent-Type: application/json\n\n{\"q\":%d}"
	const fail = "HTTP/1.1 503 Service Unavailable\nContent-Type: text/plain\n\ndown %d"
	cases := []struct {
		name, finder, req, resp string
		hits                    []bool // per round; round i uses i in the templates
		reqs                    []int  // the value put in the request of round i
	}{
		{"second identical request is a hit", `<cache timeout="60"><protocol type="HTTP"><headersToExcludeInHash>X-Request-Id</headersToExcludeInHash></protocol></cache>`,
			get, ok, []bool{false, true, true}, []int{1, 2, 3}},
		{"a hashed header that differs misses", `<cache timeout="60"/>`, get, ok, []bool{false, false, true}, []int{1, 2, 2}},
		{"post bodies are hashed", `<cache timeout="60"/>`, post, ok, []bool{false, false, true}, []int{1, 2, 1}},
		{"method not listed is never cached", `<cache><protocol type="HTTP"><methods>GET</methods></protocol></cache>`,
			post, ok, []bool{false, false}, []int{1, 1}},
		{"5xx is not cached by default", `<cache/>`, get, fail, []bool{false, false}, []int{1, 1}},
		{"responseCodes .* caches 5xx", `<cache><protocol type="HTTP"><responseCodes>.*</responseCodes></protocol></cache>`,
			get, fail, []bool{false, true}, []int{1, 1}},
		{"bigger than maxMessageSize is not cached", `<cache maxMessageSize="5"/>`, get, ok, []bool{false, false}, []int{1, 1}},
		{"lru keeps maxSize entries", `<cache><implementation type="memory" maxSize="2"/></cache>`,
			get, ok, []bool{false, false, false, false, true}, []int{1, 2, 3, 1, 3}},
		{"docs-ei cache example (POST, 2xx, 20 s, 100 entries)", `<cache collector="false" maxMessageSize="10000" timeout="20"><protocol type="HTTP"><methods>POST</methods><headersToExcludeInHash/><responseCodes>2[0-9][0-9]</responseCodes><enableCacheControl>false</enableCacheControl><includeAgeHeader>false</includeAgeHeader><hashGenerator>org.wso2.carbon.mediator.cache.digest.HttpRequestHashGenerator</hashGenerator></protocol><implementation maxSize="100"/></cache>`,
			post, ok, []bool{false, true, false}, []int{1, 1, 2}},
		{"api-m template form", `<cache id="c1" scope="per-host" hashGenerator="org.wso2.carbon.mediator.cache.digest.REST.RESTRequestHashGenerator" timeout="300" maxMessageSize="50000"><onCacheHit><respond/></onCacheHit><implementation type="memory" maxSize="500"/></cache>`,
			post, ok, []bool{false, true}, []int{7, 7}},
	}
	collector, _, err := compileSnippet(`<cache collector="true"/>`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			finder, _, err := compileSnippet(tc.finder)
			if err != nil {
				t.Fatal(err)
			}
			for i, wantHit := range tc.hits {
				n := tc.reqs[i]
				hit, got := cacheRound(t, finder, collector, t.Name(), fmt.Sprintf(tc.req, n), fmt.Sprintf(tc.resp, i, i))
				if hit != wantHit {
					t.Fatalf("round %d: hit=%v, want %v\n%s", i, hit, wantHit, got)
				}
				if hit && !strings.Contains(got, "outcome: respond") {
					t.Fatalf("round %d: a hit must respond:\n%s", i, got)
				}
			}
		})
	}
}

// TestCacheHitMessage checks what a hit puts in place: the first response's
// status, headers, Content-Type and body, and that onCacheHit runs on it.
func TestCacheHitMessage(t *testing.T) {
	finder, _, err := compileSnippet(`<cache timeout="60"><onCacheHit><property name="from" expression="$trp:X-Backend"/></onCacheHit><protocol type="HTTP"><includeAgeHeader>true</includeAgeHeader></protocol></cache>`)
	if err != nil {
		t.Fatal(err)
	}
	collector, _, _ := compileSnippet(`<cache collector="true"/>`)
	req := "GET /a HTTP/1.1\nHost: gw\nContent-Type: text/plain\n\n"
	cacheRound(t, finder, collector, t.Name(), req, "HTTP/1.1 201 Created\nContent-Type: application/json\nX-Backend: b1\n\n{\"id\":1}")
	hit, got := cacheRound(t, finder, collector, t.Name(), req, "HTTP/1.1 500 X\n\n")
	for _, want := range []string{"outcome: respond", "status: 201", `ctx:from = "b1"`, "Content-Type: application/json", "X-Backend: b1", "Age: 0", `{"id":1}`} {
		if !hit || !strings.Contains(got, want) {
			t.Errorf("hit=%v, transcript lacks %q:\n%s", hit, want, got)
		}
	}
	if strings.Contains(got, cachePendingProp) {
		t.Errorf("a hit leaves the pending key:\n%s", got)
	}
	if _, other := cacheRound(t, finder, collector, t.Name()+"-other-tenant", req, "HTTP/1.1 200 OK\n\n"); other != "" {
		t.Errorf("another tenant hit this tenant's entry:\n%s", other)
	}
}

func TestCacheWrongDirection(t *testing.T) {
	cases := []struct{ name, src, req, resp, want string }{
		{"collector on request", `<cache collector="true"/>`, "GET / HTTP/1.1\nHost: h\n\n", "", "a collector cannot handle a request"},
		{"finder on response", `<cache/>`, "GET / HTTP/1.1\nHost: h\n\n", "HTTP/1.1 200 OK\n\n", "a finder cannot handle a response"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := run(t, tc.src, tc.req, tc.resp, nil); !strings.Contains(got, tc.want) {
				t.Errorf("got:\n%s\nwant error containing %q", got, tc.want)
			}
		})
	}
}

func TestCacheStoreExpiry(t *testing.T) {
	s := cacheStores.get(t.Name(), "x")
	now := time.Now()
	s.put(cacheKey{1, 1}, &cachedResponse{status: 200, expires: now.Add(time.Second)}, 10)
	if s.get(cacheKey{1, 1}, now) == nil {
		t.Fatal("live entry missing")
	}
	if s.get(cacheKey{1, 1}, now.Add(time.Second)) != nil || s.len() != 0 {
		t.Fatal("expired entry served or kept")
	}
}

// TestCacheStoreConcurrent hammers one store from many goroutines (run with
// -race) and checks the bounds hold.
func TestCacheStoreConcurrent(t *testing.T) {
	s := cacheStores.get(t.Name(), "x")
	const max = 50
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				k := cacheKey{uint64(g), uint64(i % 97)}
				now := time.Now()
				if r := s.get(k, now); r != nil && r.status != 200 {
					t.Errorf("corrupt entry %+v", r)
				}
				s.put(k, &cachedResponse{status: 200, body: make([]byte, i%64), stored: now, expires: now.Add(time.Minute)}, max)
			}
		}()
	}
	wg.Wait()
	if n := s.len(); n > max {
		t.Fatalf("store holds %d entries, bound is %d", n, max)
	}
}

func TestPendingRoundTrip(t *testing.T) {
	for _, id := range []string{"a", "file.xml:3", "with|bar", ""} {
		k := cacheKey{0xdeadbeef01234567, 42}
		gotID, gotK, ok := parsePending(pendingValue(id, k))
		if !ok || gotID != id || gotK != k {
			t.Errorf("%q: got %q %x %v", id, gotID, gotK, ok)
		}
	}
	if _, _, ok := parsePending("garbage"); ok {
		t.Error("garbage parsed")
	}
}
