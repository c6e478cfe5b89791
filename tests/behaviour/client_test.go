package behaviour

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func newClient() *http.Client {
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true},
	}
}

// getStatus is a bare GET for admin endpoints; an error reads as status 0.
func getStatus(c *http.Client, url string) (int, []byte) {
	r, err := c.Get(url)
	if err != nil {
		return 0, nil
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	return r.StatusCode, b
}

// reply is what the client got; ID is the X-Req-Id the request carried.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
	ID     string
}

var reqSeq atomic.Int64

// send sends one request through the gateway with a fresh X-Req-Id (unless
// hdr sets one). hdr values are set as given.
func (g *gateway) send(method, path string, hdr map[string]string, body string) reply {
	g.t.Helper()
	req, err := http.NewRequest(method, g.base+path, strings.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	req.Header.Set("X-Req-Id", "r"+strconv.FormatInt(reqSeq.Add(1), 10))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	r, err := g.client.Do(req)
	if err != nil {
		g.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer r.Body.Close()
	b, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		g.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return reply{Status: r.StatusCode, Header: r.Header, Body: b, ID: req.Header.Get("X-Req-Id")}
}

// key returns headers carrying the API key plus name/value pairs.
func key(kv ...string) map[string]string {
	h := map[string]string{"apikey": apiKey}
	for i := 0; i+1 < len(kv); i += 2 {
		h[kv[i]] = kv[i+1]
	}
	return h
}

// fileState is the admin view of one super tenant sequence file.
func (g *gateway) fileState(name string) (state, errMsg string) {
	st, body := getStatus(g.client, g.admin+"/admin/sequences")
	if st != http.StatusOK {
		g.t.Fatalf("GET /admin/sequences: status %d", st)
	}
	var s struct {
		Tenants []struct {
			Domain string `json:"domain"`
			Files  []struct {
				File  string `json:"file"`
				State string `json:"state"`
				Error string `json:"error"`
			} `json:"files"`
		} `json:"tenants"`
	}
	if err := json.Unmarshal(body, &s); err != nil {
		g.t.Fatalf("admin status is not JSON: %v", err)
	}
	for _, tn := range s.Tenants {
		for _, f := range tn.Files {
			if tn.Domain == "carbon.super" && f.File == name {
				return f.State, f.Error
			}
		}
	}
	return "", ""
}

// logLine waits up to 3 s for a stderr line containing all of subs (log
// output is buffered for up to 200 ms) and returns it.
func (g *gateway) logLine(subs ...string) (string, bool) {
	deadline := time.Now().Add(3 * time.Second)
	for {
		if ls := g.stderr.lines(subs...); len(ls) > 0 {
			return ls[0], true
		}
		if time.Now().After(deadline) {
			return "", false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mustLog fails the test unless a stderr line contains all of subs.
func (g *gateway) mustLog(t *testing.T, subs ...string) string {
	t.Helper()
	l, ok := g.logLine(subs...)
	if !ok {
		t.Errorf("no log line with %q; stderr tail:\n%s", subs, tail(g.stderr.String(), 3000))
	}
	return l
}

// syncBuffer collects the gateway's stderr.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns the lines written so far that contain all of subs.
func (b *syncBuffer) lines(subs ...string) []string {
	var out []string
	for _, l := range strings.Split(b.String(), "\n") {
		ok := true
		for _, s := range subs {
			ok = ok && strings.Contains(l, s)
		}
		if ok {
			out = append(out, l)
		}
	}
	return out
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
