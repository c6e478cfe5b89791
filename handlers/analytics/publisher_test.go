package analytics

import (
	"context"
	"sync"
	"testing"
	"time"
)

// memSink records events; with block set, its first Write waits until
// block is closed (a sink stuck on a dead collector).
type memSink struct {
	mu      sync.Mutex
	got     []Event
	flushes int
	closed  bool
	entered chan struct{} // closed when the first Write starts
	block   chan struct{}
	once    sync.Once
}

func newMemSink(blocking bool) *memSink {
	s := &memSink{entered: make(chan struct{})}
	if blocking {
		s.block = make(chan struct{})
	}
	return s
}

func (*memSink) Type() string { return "mem" }

func (s *memSink) Write(_ context.Context, ev *Event) (int, error) {
	s.once.Do(func() { close(s.entered) })
	if s.block != nil {
		<-s.block
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, *ev)
	return 1, nil
}

func (s *memSink) Flush(context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushes++
	return 0, nil
}

func (s *memSink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

func (s *memSink) events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.got...)
}

func TestPublishNeverBlocks(t *testing.T) {
	const buffer, overflow = 16, 25
	sink := newMemSink(true)
	p := New(Options{Buffer: buffer, Targets: []Target{{Sink: sink}}})
	ev := Event{Type: TypeResponse, Status: 200}
	p.Publish(&ev) // taken by the goroutine, which then blocks in the sink
	<-sink.entered
	start := time.Now()
	for i := 0; i < buffer+overflow; i++ {
		ev.Status = 1000 + i
		p.Publish(&ev)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("publishing to a full buffer took %v", d)
	}
	if got := p.Dropped(); got != overflow {
		t.Errorf("dropped %d, want the overflow %d", got, overflow)
	}
	close(sink.block)
	p.Close()
	got := sink.events()
	if len(got) != 1+buffer {
		t.Fatalf("sink got %d events, want %d (the first and the buffered ones)", len(got), 1+buffer)
	}
	if got[1].Status != 1000 || got[buffer].Status != 1000+buffer-1 {
		t.Errorf("the buffered events are not the first ones published, in order: %d..%d", got[1].Status, got[buffer].Status)
	}
}

func TestCloseFlushes(t *testing.T) {
	sink := newMemSink(false)
	p := New(Options{Targets: []Target{{Sink: sink, FlushInterval: time.Hour}}})
	for i := range 100 {
		ev := Event{Type: TypeResponse, Status: i}
		p.Publish(&ev)
	}
	p.Close()
	p.Close() // idempotent
	if n := len(sink.events()); n != 100 {
		t.Errorf("%d events delivered by Close, want 100", n)
	}
	if sink.flushes != 1 || !sink.closed {
		t.Errorf("flushes %d closed %v: Close must flush once and close the sink", sink.flushes, sink.closed)
	}
	ev := Event{Type: TypeResponse}
	p.Publish(&ev)
	if p.Dropped() != 1 {
		t.Errorf("an event published after Close must count as dropped: %d", p.Dropped())
	}
	var nilPub *Publisher
	nilPub.Publish(&ev) // a nil publisher publishes nothing, and does not panic
	nilPub.Close()
}

func TestFlushInterval(t *testing.T) {
	sink := newMemSink(false)
	p := New(Options{Targets: []Target{{Sink: sink, FlushInterval: 20 * time.Millisecond}}})
	defer p.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		sink.mu.Lock()
		n := sink.flushes
		sink.mu.Unlock()
		if n >= 2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d flushes in 5s with a 20ms interval", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// BenchmarkPublish is the request path's cost: one event copied into the
// channel (the sink is a no-op, so the buffer rarely fills).
func BenchmarkPublish(b *testing.B) {
	p := New(Options{Buffer: 1 << 16, Targets: []Target{{Sink: nopSink{}}}})
	defer p.Close()
	ev := sample()
	b.ReportAllocs()
	for b.Loop() {
		p.Publish(&ev)
	}
}

type nopSink struct{}

func (nopSink) Type() string                               { return "nop" }
func (nopSink) Write(context.Context, *Event) (int, error) { return 1, nil }
func (nopSink) Flush(context.Context) (int, error)         { return 0, nil }
func (nopSink) Close() error                               { return nil }
