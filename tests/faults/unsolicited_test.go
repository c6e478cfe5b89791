package faults

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// unsolicitedBackend is a keep-alive backend that answers each request with
// "real <path>" and then, on the now idle connection, writes a second
// response nobody asked for.
func unsolicitedBackend(t *testing.T) string {
	t.Helper()
	return serveConns(t, func(c net.Conn) {
		defer c.Close()
		br := bufio.NewReader(c)
		for {
			reqLine, err := br.ReadString('\n')
			if err != nil {
				return
			}
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if line == "\r\n" {
					break
				}
			}
			f := strings.Fields(reqLine)
			body := "real " + f[1]
			fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
			time.Sleep(20 * time.Millisecond) // the gateway has read its answer and pooled the connection
			fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\nINJECTED")
		}
	})
}

// TestUnsolicitedBackendBytes: bytes a backend writes on an idle keep-alive
// connection are never read as the next request's answer, whichever API
// (here another one on the same host:port) reuses the connection: the
// connection is closed and the request goes out on a fresh one.
func TestUnsolicitedBackendBytes(t *testing.T) {
	be := unsolicitedBackend(t)
	g := startGateway(t, map[string]string{"Evila": be, "Evilb": be}, false)
	for i := range 6 {
		api := []string{"evila", "evilb"}[i%2]
		path := fmt.Sprintf("/%s/v1/req%d", api, i)
		st, _, body := g.get(path)
		if want := fmt.Sprintf("real /req%d", i); st != 200 || body != want {
			t.Fatalf("GET %s: %d %q, want 200 %q (another request's or the backend's unsolicited answer)", path, st, body, want)
		}
		time.Sleep(150 * time.Millisecond) // let the unsolicited answer arrive on the idle connection
	}
	g.expect("/echo/v1/x", "seq=super")
}
