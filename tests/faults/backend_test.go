package faults

import (
	"bufio"
	"encoding/json"
	"net"
	"strings"
	"testing"
)

// rawBackend serves every connection with answer: it reads the request
// head, writes what answer writes and closes (with an RST when rst).
func rawBackend(t *testing.T, answer string, rst bool) string {
	t.Helper()
	return serveConns(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			line, err := br.ReadString('\n')
			if err != nil || line == "\r\n" {
				break
			}
		}
		_, _ = c.Write([]byte(answer))
		if rst {
			_ = c.(*net.TCPConn).SetLinger(0)
		}
		c.Close()
	})
}

// serveConns is a raw TCP backend on 127.0.0.1 that hands each connection
// to serve on its own goroutine, until the test ends; it returns its URL.
func serveConns(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return "http://" + l.Addr().String()
}

// TestBadBackend: a backend that dies mid-answer or does not speak HTTP
// costs its own request a 502 JSON error, nothing more.
func TestBadBackend(t *testing.T) {
	partial := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nonly part of it"
	cases := []struct {
		name, api, answer string
		rst               bool
	}{
		{"partial response then close", "Partial", partial, false},
		{"partial response then reset", "Reset", partial, true},
		{"headers cut then reset", "Cut", "HTTP/1.1 200 OK\r\nContent-Ty", true},
		{"garbage not http", "Garbage", "\x00\x01 this is not HTTP at all\r\n\r\n\xff\xfe", false},
	}
	extra := map[string]string{}
	for _, c := range cases {
		extra[c.api] = rawBackend(t, c.answer, c.rst)
	}
	g := startGateway(t, extra, true)
	g.untouched()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, h, body := g.get("/" + strings.ToLower(c.api) + "/v1/x")
			if st != 502 {
				t.Fatalf("status %d body %q, want 502", st, body)
			}
			var v map[string]any
			if !strings.Contains(h.Get("Content-Type"), "json") || json.Unmarshal([]byte(body), &v) != nil {
				t.Errorf("want a JSON error, got %q %q", h.Get("Content-Type"), body)
			}
			g.untouched()
		})
	}
	g.logged("backend call failed")
	g.untouched()
}
