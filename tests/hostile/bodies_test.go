package hostile

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Large bodies (issue 13, item 9): a body no sequence on its path reads is
// streamed, not buffered, so concurrent large uploads and slow downloads
// through a header-only API leave the gateway's memory flat; a body that
// must be buffered takes from a process-wide budget
// (limits.max_buffered_bytes), and a request that would go over it gets
// 503. The figures the tests log are the ones README.md and SECURITY.md
// quote.

// bigLimits lets 64 MiB bodies through, with time for slow clients.
const bigLimits = `
limits:
  max_body_bytes: 67108864
  max_response_body_bytes: 134217728
  max_xml_text_length: 16777216
timeouts: {header_read: 5s, read: 60s, write: 120s, idle: 5s, backend: 120s}
`

// headerOnly is an In and an Out sequence for API Big that touch headers only.
var headerOnly = map[string]string{
	"big_in.xml": `<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--Big:vv1--In">
  <header name="X-In" value="1" scope="transport"/></sequence>`,
	"big_out.xml": `<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--Big:vv1--Out">
  <header name="X-Out" value="1" scope="transport"/></sequence>`,
}

// zeros is an endless reader of 'z' bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'z'
	}
	return len(p), nil
}

// bigBackend counts what /up receives (answering the count) and answers
// /down/<n> with n MiB, written as the client reads it.
func bigBackend(t *testing.T) string {
	be := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/up":
			n, _ := io.Copy(io.Discard, r.Body)
			_, _ = io.WriteString(w, strconv.FormatInt(n, 10))
		case strings.HasPrefix(r.URL.Path, "/down/"):
			mib, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/down/"))
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("Content-Length", strconv.Itoa(mib<<20))
			_, _ = io.Copy(w, io.LimitReader(zeros{}, int64(mib)<<20))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(be.Close)
	return be.URL
}

var bigClient = &http.Client{Timeout: 120 * time.Second, Transport: &http.Transport{DisableCompression: true, MaxConnsPerHost: 100}}

// uploads sends n concurrent uploads of size bytes to url; each must be
// answered 200 with the size the backend received.
func uploads(t *testing.T, url string, n, size int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", url, io.LimitReader(zeros{}, int64(size)))
			req.ContentLength = int64(size)
			req.Header.Set("Content-Type", "application/octet-stream")
			resp, err := bigClient.Do(req)
			if err != nil {
				t.Errorf("upload: %v", err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(b) != strconv.Itoa(size) {
				t.Errorf("upload: status %d, backend got %q bytes, want 200 and %d", resp.StatusCode, b, size)
			}
		}()
	}
	wg.Wait()
}

// slowDownloads has n clients each read size bytes from url at about
// 20 MiB/s (256 KiB, then 12 ms of rest), slower than the gateway can
// read the backend.
func slowDownloads(t *testing.T, url string, n, size int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := bigClient.Get(url)
			if err != nil {
				t.Errorf("download: %v", err)
				return
			}
			defer resp.Body.Close()
			buf := make([]byte, 256<<10)
			got := 0
			for {
				k, err := io.ReadFull(resp.Body, buf)
				got += k
				if err != nil {
					break
				}
				time.Sleep(12 * time.Millisecond)
			}
			if resp.StatusCode != 200 || got != size {
				t.Errorf("download: status %d, %d bytes, want 200 and %d", resp.StatusCode, got, size)
			}
		}()
	}
	wg.Wait()
}

// streamCeiling is the peak memory allowed while large bodies stream
// through a header-only API: a buffered 50 MB upload or 60 MiB answer per
// client would be far above it.
const streamCeiling = 128 << 20

func TestLargeBodiesStreamed(t *testing.T) {
	be := bigBackend(t)
	start := func(t *testing.T) *gateway {
		return startSpec(t, spec{limits: bigLimits, seqs: headerOnly, apis: []apiSpec{{"Big", "/big", be}}})
	}
	t.Run("4 concurrent 50 MB uploads", func(t *testing.T) {
		g := start(t)
		base := g.rss()
		uploads(t, "http://"+g.traffic+"/big/v1/up", 4, 50_000_000)
		t.Logf("RSS before %d MiB, peak %d MiB (+%d MiB)", base>>20, g.peakRSS()>>20, (g.peakRSS()-base)>>20)
		if p := g.peakRSS(); p > streamCeiling {
			t.Errorf("peak VmRSS %d MiB, ceiling %d MiB: the uploads were buffered", p>>20, streamCeiling>>20)
		}
		g.alive()
	})
	t.Run("40 slow 60 MiB downloads", func(t *testing.T) {
		g := start(t)
		base := g.rss()
		slowDownloads(t, "http://"+g.traffic+"/big/v1/down/60", 40, 60<<20)
		t.Logf("RSS before %d MiB, peak %d MiB (+%d MiB)", base>>20, g.peakRSS()>>20, (g.peakRSS()-base)>>20)
		if p := g.peakRSS(); p > streamCeiling {
			t.Errorf("peak VmRSS %d MiB, ceiling %d MiB: the answers were buffered", p>>20, streamCeiling>>20)
		}
		g.alive()
	})
	t.Run("chunked upload over max_body_bytes", func(t *testing.T) {
		g := start(t)
		req, _ := http.NewRequest("POST", "http://"+g.traffic+"/big/v1/up", io.LimitReader(zeros{}, 70<<20))
		req.ContentLength = -1 // chunked: the limit is found while streaming
		resp, err := bigClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 413 {
				t.Errorf("70 MiB chunked upload: status %d, want 413 (max_body_bytes 64 MiB)", resp.StatusCode)
			}
		} // an error: the gateway closed the connection on the rest of the body, also a refusal
		g.alive()
	})
}

// TestBufferBudget: bodies a sequence reads are buffered, and together
// they may not pass limits.max_buffered_bytes: one request holding 600 KiB
// of a 1 MiB budget (its backend stalls) makes a second 600 KiB one 503;
// once the first ends, the budget is free again.
func TestBufferBudget(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 4)
	be := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		if r.URL.Path == "/stall" {
			entered <- struct{}{}
			<-release
		}
		_, _ = fmt.Fprint(w, n)
	}))
	t.Cleanup(be.Close)
	var once sync.Once
	unstall := func() { once.Do(func() { close(release) }) }
	t.Cleanup(unstall) // runs before be.Close, which waits for the stalled handler
	limits := strings.Replace(bigLimits, "limits:\n", "limits:\n  max_buffered_bytes: 1048576\n", 1)
	g := startSpec(t, spec{limits: limits, seqs: map[string]string{"read_in.xml": strings.ReplaceAll(readIn, "Read", "Budget")},
		apis: []apiSpec{{"Budget", "/budget", be.URL}}})
	body := strings.Repeat("b", 600<<10)
	post := func(path string) reply {
		return send(t, g.traffic, req("POST", path, "Connection: close", "Content-Type: text/plain",
			"Content-Length: "+strconv.Itoa(len(body)))+body, 30*time.Second)
	}
	first := make(chan reply, 1)
	go func() { first <- post("/budget/v1/stall") }()
	select {
	case <-entered:
	case <-time.After(20 * time.Second):
		t.Fatal("the first request never reached the backend")
	}
	r := post("/budget/v1/ok")
	unstall()
	if r.status != 503 {
		t.Errorf("second 600 KiB body with 600 KiB of a 1 MiB budget held: status %d, body %q; want 503", r.status, tail(r.body, 300))
	}
	if f := <-first; f.status != 200 || f.body != strconv.Itoa(len(body)) {
		t.Errorf("first request: status %d, body %q", f.status, tail(f.body, 200))
	}
	if r := post("/budget/v1/ok"); r.status != 200 {
		t.Errorf("after the first ended: status %d, body %q; want 200 (budget released)", r.status, tail(r.body, 300))
	}
	g.bounded()
}

// TestBufferBudgetSlowReader: an answer an Out sequence read stays
// buffered until the client has it, so it keeps its budget share after the
// handler returned: a client that does not read a 12 MiB answer holds 12
// MiB of a 20 MiB budget, and another 12 MiB answer gets 503 until that
// client goes away.
func TestBufferBudgetSlowReader(t *testing.T) {
	be := bigBackend(t)
	limits := strings.Replace(bigLimits, "limits:\n", "limits:\n  max_buffered_bytes: 20971520\n", 1)
	out := `<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--Held:vv1--Out">
  <property name="n" expression="count(//b)"/></sequence>`
	g := startSpec(t, spec{limits: limits, seqs: map[string]string{"held_out.xml": out},
		apis: []apiSpec{{"Held", "/held", be}}})
	get := req("GET", "/held/v1/down/12", "Connection: close")
	if r := send(t, g.traffic, get, 30*time.Second); r.status != 200 {
		t.Fatalf("one 12 MiB answer read by the Out sequence: status %d, body %q", r.status, tail(r.body, 200))
	}
	// The stalled client reads the status line and nothing more: its
	// answer is then past the budget check, and its share is held while the
	// gateway waits to write the rest. A small receive buffer, set before
	// connecting, keeps that rest out of the kernel's buffers (loopback
	// receive buffers autotune to tens of MiB).
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16<<10)
		})
	}}
	var stalled net.Conn
	for i := 0; i < 20 && stalled == nil; i++ { // a 503 here: a previous answer still held its share
		c, err := d.Dial("tcp", g.traffic)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(c, get)
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		line := make([]byte, len("HTTP/1.1 200"))
		if _, err := io.ReadFull(c, line); err == nil && string(line) == "HTTP/1.1 200" {
			stalled = c
			break
		}
		c.Close()
		time.Sleep(100 * time.Millisecond)
	}
	if stalled == nil {
		t.Fatal("the stalled client never got its 200 status line")
	}
	status := send(t, g.traffic, get, 30*time.Second).status
	if status != 503 {
		t.Errorf("12 MiB answer while a client holds another of a 20 MiB budget: status %d, want 503", status)
	}
	stalled.Close()
	for i := 0; i < 50 && status != 200; i++ { // the share comes back when the server gives up on it
		time.Sleep(100 * time.Millisecond)
		status = send(t, g.traffic, get, 30*time.Second).status
	}
	if status != 200 {
		t.Errorf("after the stalled client left: status %d, want 200 (budget released)", status)
	}
	g.bounded()
}
