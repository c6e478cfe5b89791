package analytics

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
)

// FileSink appends one JSON line per event (SCHEMA.md) to a file, or to
// stdout for "-", through a buffer flushed every flush interval and on
// close.
type FileSink struct {
	name string
	f    io.Writer
	c    io.Closer // nil for stdout, which is not ours to close
	w    *bufio.Writer
	buf  []byte
}

// fileBuffer is the write buffer: a second of moderate traffic.
const fileBuffer = 64 << 10

// NewFileSink opens path for appending (created 0644 if absent); "-" is
// stdout.
func NewFileSink(path string) (*FileSink, error) {
	s := &FileSink{name: path, buf: make([]byte, 0, 512)}
	if path == "-" {
		s.f = os.Stdout
	} else {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("analytics file sink: %w", err)
		}
		s.f, s.c = f, f
	}
	s.w = bufio.NewWriterSize(s.f, fileBuffer)
	return s, nil
}

// Type implements Sink.
func (*FileSink) Type() string { return "file" }

// Write implements Sink.
func (s *FileSink) Write(_ context.Context, ev *Event) (int, error) {
	s.buf = append(ev.AppendJSON(s.buf[:0]), '\n')
	if _, err := s.w.Write(s.buf); err != nil {
		return 0, fmt.Errorf("analytics file sink %s: %w", s.name, err)
	}
	return 1, nil
}

// Flush implements Sink.
func (s *FileSink) Flush(context.Context) (int, error) {
	if err := s.w.Flush(); err != nil {
		return 0, fmt.Errorf("analytics file sink %s: %w", s.name, err)
	}
	return 0, nil
}

// Close flushes and closes the file.
func (s *FileSink) Close() error {
	_, err := s.Flush(context.Background())
	if s.c != nil {
		if cerr := s.c.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
