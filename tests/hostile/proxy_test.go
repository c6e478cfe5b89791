package hostile

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingBackend is a raw keep-alive backend: it keeps the head of every
// request it receives as sent (request line and headers, so a split request
// line shows) and answers each with answer (status line and headers; the
// body "ok" is added).
type recordingBackend struct {
	url   string
	mu    sync.Mutex
	heads []string
}

func newRecordingBackend(t *testing.T, statusLine, extraHeaders string) *recordingBackend {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	rb := &recordingBackend{url: "http://" + l.Addr().String()}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					var head strings.Builder
					n := -1
					for {
						line, err := br.ReadString('\n')
						if err != nil {
							return
						}
						head.WriteString(line)
						if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Content-Length") {
							n, _ = strconv.Atoi(strings.TrimSpace(v))
						}
						if line == "\r\n" {
							break
						}
					}
					for ; n > 0; n-- {
						if _, err := br.ReadByte(); err != nil {
							return
						}
					}
					rb.mu.Lock()
					rb.heads = append(rb.heads, head.String())
					rb.mu.Unlock()
					ct := "Content-Type: text/plain\r\n"
					if strings.Contains(extraHeaders, "Content-Type:") {
						ct = ""
					}
					fmt.Fprintf(c, "%s\r\n%sContent-Length: 2\r\n%s\r\nok", statusLine, ct, extraHeaders)
				}
			}(c)
		}
	}()
	return rb
}

// last returns the head of the last request the backend received.
func (rb *recordingBackend) last(t *testing.T) string {
	t.Helper()
	rb.mu.Lock()
	defer rb.mu.Unlock()
	if len(rb.heads) == 0 {
		t.Fatal("the backend received nothing")
	}
	return rb.heads[len(rb.heads)-1]
}

func (rb *recordingBackend) count() int {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	return len(rb.heads)
}

// header returns the value of header k in a recorded head ("" when absent),
// and how many times it appears.
func header(head, k string) (string, int) {
	v, n := "", 0
	for _, line := range strings.Split(head, "\r\n")[1:] {
		if name, val, ok := strings.Cut(line, ":"); ok && strings.EqualFold(name, k) {
			v, n = strings.TrimSpace(val), n+1
		}
	}
	return v, n
}

// TestForwardedHeaders: the backend learns the client's address, scheme
// and Host. From a peer that is not a trusted proxy a client-sent
// X-Forwarded-For is replaced (a client cannot choose the address a
// backend sees); from a trusted one it is appended to.
func TestForwardedHeaders(t *testing.T) {
	rb := newRecordingBackend(t, "HTTP/1.1 200 OK", "")
	for _, tc := range []struct {
		name, extra, wantFor, wantHost string
	}{
		{"untrusted peer", "", "127.0.0.1", "client.example"},
		{"trusted proxy", "forwarding: {trusted_proxies: [127.0.0.0/8]}\n", "6.6.6.6, 127.0.0.1", "original.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := startSpec(t, spec{limits: limitsYAML + tc.extra, apis: []apiSpec{{"Fwd", "/fwd", rb.url}}})
			r := send(t, g.traffic, "GET /fwd/v1/x HTTP/1.1\r\nHost: client.example\r\nX-Forwarded-For: 6.6.6.6\r\n"+
				"X-Forwarded-Host: original.example\r\nConnection: close\r\n\r\n", 5*time.Second)
			if r.status != 200 {
				t.Fatalf("status %d body %q", r.status, r.body)
			}
			head := rb.last(t)
			if v, n := header(head, "X-Forwarded-For"); v != tc.wantFor || n != 1 {
				t.Errorf("X-Forwarded-For %q (%d lines), want %q once:\n%s", v, n, tc.wantFor, head)
			}
			if v, _ := header(head, "X-Forwarded-Proto"); v != "http" {
				t.Errorf("X-Forwarded-Proto %q, want http", v)
			}
			if v, _ := header(head, "X-Forwarded-Host"); v != tc.wantHost {
				t.Errorf("X-Forwarded-Host %q, want %q", v, tc.wantHost)
			}
		})
	}
}

// TestHopByHopHeaders: the headers a Connection header names, and the
// proxy credentials and challenges, stop at the gateway in both directions
// (RFC 9110 §7.6.1, §11.7).
func TestHopByHopHeaders(t *testing.T) {
	rb := newRecordingBackend(t, "HTTP/1.1 200 OK",
		"Connection: X-Backend-Hop\r\nX-Backend-Hop: secret\r\nProxy-Authenticate: Basic realm=\"backend\"\r\nX-Kept: yes\r\n")
	g := startSpec(t, spec{apis: []apiSpec{{"Hop", "/hop", rb.url}}})
	c, err := net.Dial("tcp", g.traffic)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /hop/v1/x HTTP/1.1\r\nHost: x\r\nConnection: X-Client-Hop, close\r\nX-Client-Hop: secret\r\n"+
		"Proxy-Authorization: Basic c2VjcmV0\r\nX-Client-Kept: yes\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var resp strings.Builder
	br := bufio.NewReader(c)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the answer: %v (so far %q)", err, resp.String())
		}
		resp.WriteString(line)
		if line == "\r\n" {
			break
		}
	}
	head := rb.last(t)
	for _, k := range []string{"X-Client-Hop", "Proxy-Authorization"} {
		if v, _ := header(head, k); v != "" {
			t.Errorf("the backend got %s: %q:\n%s", k, v, head)
		}
	}
	if v, _ := header(head, "X-Client-Kept"); v != "yes" {
		t.Errorf("X-Client-Kept lost:\n%s", head)
	}
	for _, k := range []string{"X-Backend-Hop", "Proxy-Authenticate"} {
		if v, _ := header(resp.String(), k); v != "" {
			t.Errorf("the client got %s: %q:\n%s", k, v, resp.String())
		}
	}
	if v, _ := header(resp.String(), "X-Kept"); v != "yes" {
		t.Errorf("X-Kept lost:\n%s", resp.String())
	}
}

// TestGatewayErrorReason: an error the gateway makes after a backend
// answered (an Out sequence that cannot read the answer) carries its own
// status's reason phrase, not the backend's ("502 OK").
func TestGatewayErrorReason(t *testing.T) {
	rb := newRecordingBackend(t, "HTTP/1.1 200 OK", "Content-Type: application/json\r\n")
	out := `<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--Reason:vv1--Out">` +
		`<property name="v" expression="json-eval($.a)"/></sequence>`
	g := startSpec(t, spec{apis: []apiSpec{{"Reason", "/reason", rb.url}}, seqs: map[string]string{"reason_out.xml": out}})
	c, err := net.Dial("tcp", g.traffic)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /reason/v1/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(line, "HTTP/1.1 502 ") {
		t.Fatalf("status line %q, want a 502 (the backend's \"ok\" is not JSON)", line)
	}
	if line != "HTTP/1.1 502 Bad Gateway\r\n" {
		t.Errorf("status line %q, want \"HTTP/1.1 502 Bad Gateway\"", line)
	}
}

// TestRequestLineInjection: HTTP_METHOD and REST_URL_POSTFIX taken from a
// client's header cannot put spaces or controls into the backend's
// request line: a method that is not a token is refused before anything
// is sent, a postfix is percent-encoded.
func TestRequestLineInjection(t *testing.T) {
	rb := newRecordingBackend(t, "HTTP/1.1 200 OK", "")
	seqs := map[string]string{
		"method.xml":  apiSeq("Method", `<property name="HTTP_METHOD" expression="$trp:X-M" scope="axis2"/>`),
		"postfix.xml": apiSeq("Postfix", `<property name="REST_URL_POSTFIX" expression="$trp:X-P" scope="axis2"/>`),
	}
	g := startSpec(t, spec{seqs: seqs, apis: []apiSpec{{"Method", "/method", rb.url}, {"Postfix", "/postfix", rb.url}}})
	before := rb.count()
	r := send(t, g.traffic, req("GET", "/method/v1/x", "Connection: close", "X-M: DELETE /admin HTTP/1.1"), 5*time.Second)
	if r.status < 400 || r.status >= 600 {
		t.Errorf("method with spaces: status %d body %q, want an error", r.status, r.body)
	}
	if n := rb.count(); n != before {
		t.Errorf("the backend received %d request(s) with a bad method:\n%s", n-before, rb.last(t))
	}
	r = send(t, g.traffic, req("GET", "/postfix/v1/x", "Connection: close", "X-P: /a HTTP/1.1\tX"), 5*time.Second)
	if r.status != 200 {
		t.Fatalf("postfix: status %d body %q", r.status, r.body)
	}
	line, _, _ := strings.Cut(rb.last(t), "\r\n")
	if want := "GET /a%20HTTP/1.1%09X HTTP/1.1"; line != want {
		t.Errorf("backend request line %q, want %q", line, want)
	}
}

// TestTemplateDotSegments: a query parameter ".." expanded into an http
// endpoint's uri-template stays one segment (%2E%2E); it never climbs the
// backend's path.
func TestTemplateDotSegments(t *testing.T) {
	rb := newRecordingBackend(t, "HTTP/1.1 200 OK", "")
	seq := apiSeq("Users", `<send><endpoint><http method="get" uri-template="`+rb.url+`/users/{query.param.u}/profile"/></endpoint></send>`)
	g := startSpec(t, spec{seqs: map[string]string{"users.xml": seq}, apis: []apiSpec{{"Users", "/users", rb.url}}})
	for _, u := range []string{"..", ".", "%2e%2e"} {
		r := send(t, g.traffic, req("GET", "/users/v1/x?u="+u, "Connection: close"), 5*time.Second)
		if r.status != 200 {
			t.Fatalf("u=%s: status %d body %q", u, r.status, r.body)
		}
		line, _, _ := strings.Cut(rb.last(t), "\r\n")
		// the request's postfix (/x?u=...) follows the template's path, as
		// API-M appends it to an <http> endpoint
		want := "GET /users/%2E%2E/profile/x?u=" + u + " HTTP/1.1"
		if u == "." {
			want = "GET /users/%2E/profile/x?u=. HTTP/1.1"
		}
		if line != want {
			t.Errorf("u=%s: backend request line %q, want %q", u, line, want)
		}
	}
}

// TestLoopDetected: a sequence that calls the gateway itself stops after
// limits.max_hops (default 10) rounds with 508 Loop Detected (the gateway's JSON error),
// quickly, holding a bounded number of file descriptors.
func TestLoopDetected(t *testing.T) {
	seq := apiSeq("Loop", `<property name="REST_URL_POSTFIX" action="remove" scope="axis2"/>`+
		`<property name="To" expression="fn:concat('http://', $trp:Host, '/loop/v1/again')"/>`+
		`<call/><respond/>`)
	g := startSpec(t, spec{seqs: map[string]string{"loop.xml": seq},
		apis: []apiSpec{{"Loop", "/loop", "http://127.0.0.1:9/"}}})
	start := time.Now()
	c, err := net.DialTimeout("tcp", g.traffic, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /loop/v1/start HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", g.traffic)
	r := readReply(c, start, 20*time.Second)
	if r.status != 508 || !strings.Contains(r.body, `"code":"508"`) {
		t.Fatalf("status %d body %q after %v, want 508 with the JSON error", r.status, tail(r.body, 300), r.took)
	}
	t.Logf("508 after %v", r.took.Round(time.Millisecond))
	fds, err := os.ReadDir("/proc/" + strconv.Itoa(g.cmd.Process.Pid) + "/fd")
	if err != nil {
		t.Fatal(err)
	}
	if len(fds) > 200 {
		t.Errorf("%d open file descriptors after the loop, want a bounded few", len(fds))
	}
	resp, err := http.Get("http://" + g.admin + "/admin/runtime")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rt struct{ Goroutines int }
	if err := json.NewDecoder(resp.Body).Decode(&rt); err != nil {
		t.Fatal(err)
	}
	if rt.Goroutines == 0 || rt.Goroutines > 500 {
		t.Errorf("%d goroutines after the loop, want a bounded few", rt.Goroutines)
	}
	t.Logf("after the loop: %d fds, %d goroutines", len(fds), rt.Goroutines)
	g.bounded()
}
