//go:build unix

package endpoint

import "syscall"

// pending reports whether the socket has bytes to read or was closed by the
// peer, without blocking and without consuming anything. It goes through
// RawConn.Control, not RawConn.Read: Read refuses to run once the socket's
// read deadline has passed, and with lazily armed deadlines
// (mediation/deadline) an idle connection's may have.
func (c *checkedConn) pending() bool {
	c.found = false
	_ = c.raw.Control(c.peekFn)
	return c.found
}

// peek is the RawConn callback: one non-blocking MSG_PEEK.
func (c *checkedConn) peek(fd uintptr) {
	n, _, err := syscall.Recvfrom(int(fd), c.buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	// n > 0: unsolicited bytes; n == 0 without error: the peer closed
	// (the connection is dead anyway); EAGAIN: nothing pending.
	c.found = n > 0 || (n == 0 && err == nil)
}
