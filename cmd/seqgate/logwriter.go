package main

import (
	"sync"
	"time"

	"go.uber.org/zap/zapcore"
)

// lineWriter is the process log's buffered writer: lines are collected in
// one buffer and written to out when it is full, every flush interval, on
// Sync (a warning or error, and exit), so a busy gateway makes one write(2)
// per logBufferSize bytes of lines rather than one per line.
//
// It replaces zap's BufferedWriteSyncer for one reason: lineCore encodes a
// line straight into this buffer under its lock (appendLine), where it
// used to encode into a pooled buffer and then have the writer copy it
// (pool get and put, an interface call, a copy, a deferred unlock per
// line; five lines a request in the bench `mediation` scenario). Lines go
// out whole and in order: a flush happens only between lines, and a line
// larger than the buffer is written by itself.
type lineWriter struct {
	mu   sync.Mutex
	out  zapcore.WriteSyncer
	buf  []byte
	size int
	// done stops the flush loop (tests; the process logger lives as long
	// as the process).
	done chan struct{}
	once sync.Once
}

// lineSlack is room past the flush size for the line that crosses it.
const lineSlack = 16 << 10

// newLineWriter buffers up to size bytes for out and flushes at least
// every interval (when positive).
func newLineWriter(out zapcore.WriteSyncer, size int, interval time.Duration) *lineWriter {
	w := &lineWriter{out: out, buf: make([]byte, 0, size+lineSlack), size: size, done: make(chan struct{})}
	if interval > 0 {
		go w.flushLoop(interval)
	}
	return w
}

func (w *lineWriter) flushLoop(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = w.Sync()
		case <-w.done:
			return
		}
	}
}

// stop ends the flush loop after a last Sync.
func (w *lineWriter) stop() {
	w.once.Do(func() { close(w.done) })
	_ = w.Sync()
}

// Write implements zapcore.WriteSyncer: p (one whole line from zap's
// encoder) is buffered, or written at once when it does not fit.
func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf)+len(p) > w.size && len(w.buf) > 0 {
		if err := w.flushLocked(); err != nil {
			return 0, err
		}
	}
	if len(p) >= w.size {
		return w.out.Write(p)
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

// flushLocked writes the buffer out. A buffer grown past twice its size
// by one very long line is let go, so it does not stay pinned.
func (w *lineWriter) flushLocked() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.out.Write(w.buf)
	if cap(w.buf) > 2*w.size {
		w.buf = make([]byte, 0, w.size+lineSlack)
	} else {
		w.buf = w.buf[:0]
	}
	return err
}

// Sync implements zapcore.WriteSyncer: the buffer is written, then out
// synced, as zap's BufferedWriteSyncer does.
func (w *lineWriter) Sync() error {
	w.mu.Lock()
	err := w.flushLocked()
	w.mu.Unlock()
	if serr := w.out.Sync(); err == nil {
		err = serr
	}
	return err
}
