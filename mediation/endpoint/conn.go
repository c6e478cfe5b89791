package endpoint

import (
	"errors"
	"net"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation/deadline"
)

// errStaleConn reports an idle backend connection that had bytes pending
// (or was closed by the backend) when it was taken for a new request.
// Nothing of the request was written, so any request may be retried on a
// fresh connection.
var errStaleConn = errors.New("idle backend connection had unsolicited bytes pending; closed")

// checkedConn is a backend connection that refuses to be reused while the
// backend has sent something nobody asked for. A backend that writes an
// extra response on an idle keep-alive connection would otherwise have it
// read as the answer to the next request that reuses the connection, from
// any API or tenant sharing the host:port. Go's net/http closes such a
// connection (its read loop notices the bytes); fasthttp has no read
// loop, so the check runs when the connection is written again after a
// read: the first write of a request on a reused connection. The check is
// a non-blocking MSG_PEEK on the socket (peek_unix.go), one syscall per
// reused-connection request.
//
// It wraps the TCP connection under TLS, so for https it sees records,
// not plain text; any byte pending between two exchanges is unsolicited
// there too (a TLS 1.3 session ticket arrives before the first answer and
// is read with it).
type checkedConn struct {
	deadline.Conn                 // the TCP connection, its deadlines armed lazily (a struct: no second interface hop per call)
	raw           syscall.RawConn // nil: cannot peek (not a TCP socket)
	readSeen      atomic.Bool     // a Read since the last Write: the next Write starts a new request (atomic: a streamed body may be read on another goroutine)
	peekFn        func(fd uintptr)
	found         bool    // peekFn's result
	buf           [1]byte // peekFn's buffer (fields, so a check allocates nothing)
}

func (c *checkedConn) Read(b []byte) (int, error) {
	if !c.readSeen.Load() {
		c.readSeen.Store(true)
	}
	return c.Conn.Read(b)
}

func (c *checkedConn) Write(b []byte) (int, error) {
	if c.readSeen.Load() {
		c.readSeen.Store(false)
		if c.raw != nil && c.pending() {
			_ = c.Conn.Close()
			return 0, errStaleConn
		}
	}
	return c.Conn.Write(b)
}

// dialChecked is the HostClients' dialer: fasthttp's own (with its DNS
// cache) wrapped in a checkedConn, whose deadlines are armed lazily
// (mediation/deadline: fasthttp sets a write and a read deadline per call,
// two timer updates per request otherwise).
func dialChecked(addr string, timeout time.Duration) (net.Conn, error) {
	conn, err := fasthttp.DialTimeout(addr, timeout)
	if err != nil {
		return nil, err
	}
	cc := &checkedConn{Conn: deadline.Conn{Conn: conn}}
	if sc, ok := conn.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			cc.raw, cc.peekFn = raw, cc.peek
		}
	}
	return cc, nil
}

// retryStale keeps fasthttp's default retry rule (idempotent methods) and
// adds a retry for any method when the connection was stale: its request
// was never written.
func retryStale(req *fasthttp.Request, _ int, err error) (resetTimeout, retry bool) {
	if errors.Is(err, errStaleConn) {
		return false, true
	}
	return false, req.Header.IsGet() || req.Header.IsHead() || req.Header.IsPut()
}
