package deadline

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// countConn counts the deadlines that reach the socket.
type countConn struct {
	net.Conn
	reads, writes int
}

func (c *countConn) SetReadDeadline(time.Time) error  { c.reads++; return nil }
func (c *countConn) SetWriteDeadline(time.Time) error { c.writes++; return nil }

// TestArming: a deadline is armed when the socket has none or a later one;
// one moved later, or cleared, waits. A keep-alive request's sequence
// (idle, header, body, write) arms nothing once the first is armed.
func TestArming(t *testing.T) {
	inner := &countConn{}
	c := Wrap(inner)
	t0 := time.Now()
	steps := []struct {
		read  time.Time
		reads int
	}{
		{read: t0.Add(10 * time.Second), reads: 1},                  // none armed: armed
		{read: t0.Add(120 * time.Second), reads: 1},                 // later (idle): waits
		{read: t0.Add(10*time.Second + time.Millisecond), reads: 1}, // later (next header): waits
		{read: t0.Add(5 * time.Second), reads: 2},                   // earlier: armed
		{read: time.Time{}, reads: 2},                               // cleared: waits
	}
	for i, s := range steps {
		if err := c.SetReadDeadline(s.read); err != nil {
			t.Fatal(err)
		}
		if inner.reads != s.reads {
			t.Errorf("step %d: %d read deadlines armed, want %d", i, inner.reads, s.reads)
		}
	}
	for range 3 {
		_ = c.SetWriteDeadline(time.Now().Add(30 * time.Second))
	}
	if inner.writes != 1 {
		t.Errorf("%d write deadlines armed for 3 moving later, want 1", inner.writes)
	}
}

// pair is a wrapped client end and the server end of a loopback connection.
func pair(t *testing.T) (*Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := Listener(ln).Accept()
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-accepted
	if s == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return s.(*Conn), c
}

// TestReadUnderWantedDeadline: the socket's earlier deadline fires, the
// read goes on under the later one the caller set (or none) and gets the
// bytes that arrive after the early one.
func TestReadUnderWantedDeadline(t *testing.T) {
	for _, later := range []time.Time{time.Now().Add(30 * time.Second), {}} {
		c, peer := pair(t)
		_ = c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		_ = c.SetReadDeadline(later)
		go func() {
			time.Sleep(150 * time.Millisecond) // past the early deadline
			_, _ = peer.Write([]byte("late"))
		}()
		buf := make([]byte, 8)
		n, err := c.Read(buf)
		if err != nil || string(buf[:n]) != "late" {
			t.Fatalf("deadline %v: read %q, %v; want the late bytes", later, buf[:n], err)
		}
	}
}

// TestReadTimesOutAtWanted: a read with nothing to read ends with
// os.ErrDeadlineExceeded, never before the deadline the caller set last.
func TestReadTimesOutAtWanted(t *testing.T) {
	c, _ := pair(t)
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	want := time.Now().Add(200 * time.Millisecond)
	_ = c.SetReadDeadline(want)
	_, err := c.Read(make([]byte, 8))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	if early := time.Until(want); early > 0 {
		t.Errorf("timed out %v before the deadline set", early)
	}
	// an earlier deadline is armed at once
	_ = c.SetReadDeadline(time.Now().Add(-time.Second))
	if _, err := c.Read(make([]byte, 8)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("past deadline: err = %v, want a deadline error", err)
	}
}

// TestWriteResumes: a write cut by the socket's early deadline (the peer
// not reading yet) goes on with the rest: every byte arrives once, in order.
func TestWriteResumes(t *testing.T) {
	c, peer := pair(t)
	_ = c.SetWriteDeadline(time.Now().Add(20 * time.Millisecond))
	_ = c.SetWriteDeadline(time.Now().Add(30 * time.Second))
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<20) // 16 MiB: more than the socket buffers
	got := make(chan []byte, 1)
	go func() {
		time.Sleep(200 * time.Millisecond) // the writer blocks past its early deadline
		b, _ := io.ReadAll(peer)
		got <- b
	}()
	n, err := c.Write(data)
	if err != nil || n != len(data) {
		t.Fatalf("wrote %d, %v; want %d", n, err, len(data))
	}
	_ = c.Conn.(*net.TCPConn).CloseWrite()
	if b := <-got; !bytes.Equal(b, data) {
		t.Fatalf("peer read %d bytes, not the %d written", len(b), len(data))
	}
}
