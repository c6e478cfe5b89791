package main

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// chunkSink records each write the lineWriter makes.
type chunkSink struct {
	mu     sync.Mutex
	chunks []string
	syncs  int
}

func (s *chunkSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.chunks = append(s.chunks, string(p))
	s.mu.Unlock()
	return len(p), nil
}

func (s *chunkSink) Sync() error { s.mu.Lock(); s.syncs++; s.mu.Unlock(); return nil }

// fixedClock gives both loggers of a comparison the same time.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time                       { return c.t }
func (fixedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

// TestLineWriterWholeLinesInOrder: through a small buffer, lines from
// lineCore's own encoder, from zap's (an error field) and one larger than
// the buffer come out in order, every write ending at a line's end, none
// lost once Sync has run; the same bytes as zap's encoder writes unbuffered.
func TestLineWriterWholeLinesInOrder(t *testing.T) {
	var sink chunkSink
	w := newLineWriter(&sink, 512, 0)
	clock := zap.WithClock(fixedClock{time.Date(2026, 12, 5, 4, 3, 2, 1e6, time.UTC)})
	log := zap.New(newLineCore(zap.InfoLevel, w), clock)
	var want bytes.Buffer
	ref := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(lineEncoderConfig()), zapcore.AddSync(&want), zap.InfoLevel), clock)
	big := strings.Repeat("x", 2000)
	for i := 0; i < 200; i++ {
		for _, l := range []*zap.Logger{log, ref} {
			switch {
			case i%50 == 7:
				l.Info(big, zap.Int("i", i))
			case i%10 == 3:
				l.Info("failed", zap.Int("i", i), zap.Error(errors.New("boom "+strconv.Itoa(i))))
			default:
				l.Info("line", zap.Int("i", i), zap.String("k", "v"))
			}
		}
	}
	if err := log.Sync(); err != nil {
		t.Fatal(err)
	}
	for i, c := range sink.chunks {
		if !strings.HasSuffix(c, "\n") {
			t.Fatalf("write %d does not end at a line's end: %q", i, c[max(0, len(c)-40):])
		}
		if len(c) > 512+lineSlack && strings.Count(c, "\n") > 1 {
			t.Fatalf("write %d: %d bytes in %d lines, past the buffer", i, len(c), strings.Count(c, "\n"))
		}
	}
	if got := strings.Join(sink.chunks, ""); got != want.String() {
		t.Fatalf("written lines differ from zap's:\n%s\nwant\n%s", got, want.String())
	}
	if len(sink.chunks) < 10 || sink.syncs != 1 {
		t.Fatalf("%d writes, %d syncs; want many writes (a 512-byte buffer) and 1 sync", len(sink.chunks), sink.syncs)
	}
	w.stop()
}

// TestLineWriterConcurrent: lines logged from many goroutines are all
// written, each whole (go test -race checks the locking).
func TestLineWriterConcurrent(t *testing.T) {
	var sink chunkSink
	w := newLineWriter(&sink, 4096, 0)
	log := zap.New(newLineCore(zap.InfoLevel, w))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				log.Info("line", zap.Int("g", g), zap.Int("i", i))
			}
		}()
	}
	wg.Wait()
	w.stop()
	lines := strings.Split(strings.TrimSuffix(strings.Join(sink.chunks, ""), "\n"), "\n")
	if len(lines) != 8*500 {
		t.Fatalf("%d lines, want %d", len(lines), 8*500)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, `{"level":"info","ts":"`) || !strings.HasSuffix(l, "}") {
			t.Fatalf("broken line %q", l)
		}
	}
}
