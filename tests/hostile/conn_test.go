package hostile

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// reply is what a raw exchange got back.
type reply struct {
	status int         // 0: no (parsable) response
	body   string      // response body
	header http.Header // response headers
	closed bool        // the server closed the connection after the response
	took   time.Duration
}

// send writes raw bytes on a fresh connection, reads one response and then
// waits up to wait for the server to close the connection.
func send(t *testing.T, addr, raw string, wait time.Duration) reply {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	start := time.Now()
	if _, err := io.WriteString(c, raw); err != nil {
		// The gateway may answer (413, 503) and close before it has read
		// the whole request: that answer is what the test is about.
		if r := readReply(c, start, wait); r.status != 0 {
			return r
		}
		t.Fatalf("write: %v", err)
	}
	return readReply(c, start, wait)
}

func readReply(c net.Conn, start time.Time, wait time.Duration) reply {
	_ = c.SetReadDeadline(time.Now().Add(wait))
	br := bufio.NewReader(c)
	var r reply
	if resp, err := http.ReadResponse(br, nil); err == nil {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		r.status, r.body, r.header = resp.StatusCode, string(b), resp.Header
	}
	r.closed = closedBy(c, br)
	r.took = time.Since(start)
	return r
}

// closedBy reports whether the peer closed the connection before the read
// deadline (EOF or reset) rather than leaving it open.
func closedBy(c net.Conn, br *bufio.Reader) bool {
	_, err := br.ReadByte()
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return err != nil
}

// get sends a plain GET with net/http (for the admin listener).
func get(t *testing.T, url, token string) int {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 3 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// req builds a request with a Host header and Connection: close unless
// the caller's headers set framing themselves.
func req(method, path string, headers ...string) string {
	var b strings.Builder
	b.WriteString(method + " " + path + " HTTP/1.1\r\nHost: x\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}
