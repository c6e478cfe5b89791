// Package deadline arms a connection's read and write deadlines lazily.
//
// fasthttp moves a connection's deadlines on every request: the server
// sets the idle deadline, then the header deadline, then (for a body) the
// body deadline, then the write deadline; the client sets a write and a
// read deadline per backend call. Each is a runtime timer update (a lock,
// a heap fix-up), five or six per proxied request, almost all of them
// moving a deadline of seconds a few microseconds later.
//
// Conn keeps the deadline the caller wants and leaves the one on the socket
// alone when the wanted one is later: the socket's earlier deadline then
// fires first, and Read or Write, seeing the wanted one still ahead, re-arms
// with it and carries on (a timed-out read consumed nothing; a timed-out
// write resumes after the bytes it wrote). A deadline moved earlier, or set
// on a socket with none, is armed at once. So every deadline holds exactly
// as set, and a busy keep-alive connection re-arms about once per timeout
// period instead of several times per request.
package deadline

import (
	"errors"
	"net"
	"os"
	"sync"
	"time"
)

// Conn is a net.Conn with lazily armed deadlines.
type Conn struct {
	net.Conn
	r, w lazy
}

// Wrap returns c with lazily armed deadlines. c must have no deadline set.
func Wrap(c net.Conn) *Conn { return &Conn{Conn: c} }

// Listener wraps every accepted connection (Wrap).
func Listener(ln net.Listener) net.Listener { return listener{ln} }

type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return Wrap(c), nil
}

// lazy is one direction's deadlines.
type lazy struct {
	mu    sync.Mutex
	want  time.Time // what the caller set; zero: none
	armed time.Time // what the socket has; zero: none
}

// set records t and arms it when the socket's deadline would fire later
// than t (or not at all). A later or zero t waits until the socket's fires.
func (l *lazy) set(t time.Time, arm func(time.Time) error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.want = t
	if t.IsZero() || (!l.armed.IsZero() && !t.Before(l.armed)) {
		return nil
	}
	if err := arm(t); err != nil {
		return err
	}
	l.armed = t
	return nil
}

// fired is called when the socket's deadline passed: it re-arms with the
// wanted one and reports true when that is still ahead (or none), false
// when the timeout is the caller's own.
func (l *lazy) fired(arm func(time.Time) error) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.want.Equal(l.armed) || (!l.want.IsZero() && !time.Now().Before(l.want)) {
		return false
	}
	if arm(l.want) != nil {
		return false
	}
	l.armed = l.want
	return true
}

// SetReadDeadline implements net.Conn.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.r.set(t, c.Conn.SetReadDeadline) }

// SetWriteDeadline implements net.Conn.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.w.set(t, c.Conn.SetWriteDeadline) }

// SetDeadline implements net.Conn.
func (c *Conn) SetDeadline(t time.Time) error {
	return errors.Join(c.SetReadDeadline(t), c.SetWriteDeadline(t))
}

// Read implements net.Conn: a read cut by an earlier deadline than the
// wanted one is retried under the wanted one.
func (c *Conn) Read(b []byte) (int, error) {
	for {
		n, err := c.Conn.Read(b)
		if n > 0 || err == nil || !errors.Is(err, os.ErrDeadlineExceeded) || !c.r.fired(c.Conn.SetReadDeadline) {
			return n, err
		}
	}
}

// Write implements net.Conn: a write cut by an earlier deadline than the
// wanted one goes on with the rest under the wanted one.
func (c *Conn) Write(b []byte) (int, error) {
	total := 0
	for {
		n, err := c.Conn.Write(b)
		total += n
		if err == nil || !errors.Is(err, os.ErrDeadlineExceeded) || !c.w.fired(c.Conn.SetWriteDeadline) {
			return total, err
		}
		b = b[n:]
	}
}
