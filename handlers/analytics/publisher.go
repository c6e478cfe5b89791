package analytics

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// Sink is one destination of events. The publisher's goroutine is its only
// caller, so a sink needs no locking and may reuse its buffers. ev is only
// valid during Write: a sink that batches encodes it at once. Write and
// Flush return how many events they delivered (a batching sink delivers
// on Flush or when its batch is full); a failed batch is dropped, never
// retried without bound. ctx is cancelled when Close runs out of patience.
type Sink interface {
	Type() string
	Write(ctx context.Context, ev *Event) (delivered int, err error)
	Flush(ctx context.Context) (delivered int, err error)
	Close() error
}

// Target is a sink and how often its batch is flushed.
type Target struct {
	Sink          Sink
	FlushInterval time.Duration
}

// Options configures a Publisher.
type Options struct {
	Buffer  int // events waiting for the sinks; default 8192
	Targets []Target
	Metrics *Metrics    // nil: unregistered counters
	Log     *zap.Logger // sink failures, once per failure streak
}

// pollInterval is how often the goroutine takes what is buffered. Polling,
// rather than waking the goroutine for each event, keeps Publish to a
// channel send that never wakes anything (a wake-up per request costs more
// CPU than the rest of the usage handler); a buffer half full kicks the
// goroutine at once, so bursts do not have to wait for the tick.
const pollInterval = 10 * time.Millisecond

// closeGrace bounds how long Close waits for the sinks to take what is
// left before their context is cancelled (a collector that hangs must not
// hold up a shutdown).
const closeGrace = 5 * time.Second

// Publisher hands events to its sinks on its own goroutine. Publish never
// blocks; Close flushes and stops. A nil *Publisher publishes nothing.
type Publisher struct {
	ch      chan Event
	kick    chan struct{} // cap 1: the buffer is half full
	high    int
	targets []*target
	m       *Metrics
	log     *zap.Logger
	tick    time.Duration
	cur     Event // the event being written; the goroutine's own

	dropped   atomic.Uint64
	closed    atomic.Bool
	done      chan struct{} // closed by Close
	stopped   chan struct{} // closed when run returned
	ctx       context.Context
	cancel    context.CancelFunc
	closeOnce sync.Once
}

type target struct {
	Target
	due     time.Time
	failing bool
	events  prometheus.Counter
	errors  prometheus.Counter
}

// New starts a publisher.
func New(o Options) *Publisher {
	if o.Buffer <= 0 {
		o.Buffer = 8192
	}
	if o.Metrics == nil {
		o.Metrics, _ = NewMetrics(nil)
	}
	if o.Log == nil {
		o.Log = zap.NewNop()
	}
	p := &Publisher{ch: make(chan Event, o.Buffer), kick: make(chan struct{}, 1), high: (o.Buffer + 1) / 2,
		m: o.Metrics, log: o.Log.Named("analytics"), tick: time.Second, done: make(chan struct{}), stopped: make(chan struct{})}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	now := time.Now()
	for i, t := range o.Targets {
		if t.FlushInterval <= 0 {
			t.FlushInterval = time.Second
		}
		if i == 0 || t.FlushInterval < p.tick {
			p.tick = t.FlushInterval
		}
		typ := t.Sink.Type()
		p.targets = append(p.targets, &target{Target: t, due: now.Add(t.FlushInterval),
			events: p.m.events.WithLabelValues(typ), errors: p.m.errors.WithLabelValues(typ)})
	}
	go p.run()
	return p
}

// Publish queues a copy of ev, or drops it (and counts it) when the buffer
// is full or the publisher is closed. It never blocks and allocates
// nothing. An event published while Close runs may be lost uncounted.
func (p *Publisher) Publish(ev *Event) {
	if p == nil {
		return
	}
	if p.closed.Load() {
		p.drop()
		return
	}
	select {
	case p.ch <- *ev:
		if len(p.ch) >= p.high {
			select {
			case p.kick <- struct{}{}:
			default:
			}
		}
	default:
		p.drop()
	}
}

func (p *Publisher) drop() {
	p.dropped.Add(1)
	p.m.dropped.Inc()
}

// Dropped is how many events this publisher dropped.
func (p *Publisher) Dropped() uint64 { return p.dropped.Load() }

// Close stops taking events, hands what is buffered to the sinks, flushes
// and closes them, and returns when the goroutine has ended (at most about
// closeGrace plus one sink call later). It is idempotent and nil-safe.
func (p *Publisher) Close() {
	if p == nil {
		return
	}
	p.closeOnce.Do(func() {
		p.closed.Store(true)
		close(p.done)
		t := time.AfterFunc(closeGrace, p.cancel)
		<-p.stopped
		t.Stop()
		p.cancel()
	})
}

func (p *Publisher) run() {
	defer close(p.stopped)
	poll := time.NewTicker(min(p.tick, pollInterval))
	defer poll.Stop()
	for {
		select {
		case <-poll.C:
		case <-p.kick:
		case <-p.done:
			p.drain()
			return
		}
		for n := len(p.ch); n > 0; n-- {
			p.cur = <-p.ch
			p.write()
		}
		p.flush(time.Now(), false)
	}
}

// drain writes what is left in the buffer, flushes and closes the sinks.
func (p *Publisher) drain() {
	for {
		select {
		case p.cur = <-p.ch:
			p.write()
		default:
			p.flush(time.Now(), true)
			for _, t := range p.targets {
				if err := t.Sink.Close(); err != nil {
					p.log.Warn("analytics sink close", zap.String("sink", t.Sink.Type()), zap.Error(err))
				}
			}
			return
		}
	}
}

func (p *Publisher) write() {
	for _, t := range p.targets {
		n, err := t.Sink.Write(p.ctx, &p.cur)
		p.record(t, n, err)
	}
}

// flush flushes every sink whose interval is up (all of them when all).
func (p *Publisher) flush(now time.Time, all bool) {
	for _, t := range p.targets {
		if !all && now.Before(t.due) {
			continue
		}
		t.due = now.Add(t.FlushInterval)
		n, err := t.Sink.Flush(p.ctx)
		p.record(t, n, err)
	}
}

// record counts a sink call and logs the first failure of a streak and
// the recovery, so a collector that is down does not flood the log.
func (p *Publisher) record(t *target, n int, err error) {
	if n > 0 {
		t.events.Add(float64(n))
	}
	switch {
	case err != nil:
		t.errors.Inc()
		if !t.failing {
			t.failing = true
			p.log.Warn("analytics sink failing; its events are dropped until it recovers",
				zap.String("sink", t.Sink.Type()), zap.Error(err))
		}
	case n > 0 && t.failing:
		t.failing = false
		p.log.Info("analytics sink recovered", zap.String("sink", t.Sink.Type()))
	}
}
