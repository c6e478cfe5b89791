// Package accesslog writes one line per request the traffic listeners
// answered: who asked (remote address, user agent, user), what (method,
// the path as the client sent it, bytes in), where it went (tenant, API,
// resource), how it ended (status, bytes out, latency) and the
// correlation id that ties it to the gateway's own log lines.
//
// The request path only copies: Begin takes a pooled entry and copies the
// client's path, user agent and referer into the entry's own buffer
// (fasthttp reuses the request's buffers once the handler returns); End
// fills in the outcome and queues the entry on a bounded channel without
// blocking. One writer goroutine formats the entries (json or combined)
// into a buffered writer and returns them to the pool. A full channel (the
// writer, or the disk under it, is behind) drops the entry and counts it
// in seqgate_access_log_dropped_total: traffic never waits for the log.
//
// zap's BufferedWriteSyncer was the other candidate: it would encode each
// line on the request goroutine (zap fields, an allocation or more per
// field) and take one mutex shared by every request goroutine, and a
// full buffer makes the writing request flush it to the file under that
// mutex, so a slow disk would slow traffic. Here a request pays a copy
// of three short strings and one channel send.
package accesslog

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Formats.
const (
	FormatJSON     = "json"
	FormatCombined = "combined"
)

// Options configure a Log.
type Options struct {
	// Output is a file path (appended to, created 0644) or "-" for stdout.
	Output string
	Format string // FormatJSON (default) or FormatCombined
	// Buffer is how many entries may wait for the writer; past it entries
	// are dropped and counted. Default 8192.
	Buffer int
	// Registry receives seqgate_access_log_dropped_total and
	// seqgate_access_log_lines_total; nil: unregistered counters.
	Registry *prometheus.Registry
}

// pollInterval is how often the writer takes what is queued and flushes
// its buffer. Polling, rather than waking the writer for each entry,
// keeps End to a channel send that wakes nothing (a goroutine wake-up per
// request costs more than the rest of the access log); a queue half full
// kicks the writer at once. A line reaches the file within about this.
const pollInterval = 20 * time.Millisecond

// writeBuffer is the writer's buffer: flushed every poll when it holds
// anything, and when full.
const writeBuffer = 64 << 10

// Log is an access log. A nil *Log logs nothing: Begin returns nil and End
// ignores it, so a gateway without one pays a nil check per request.
type Log struct {
	ch      chan *Entry
	kick    chan struct{}
	high    int
	pool    sync.Pool
	json    bool
	w       *bufio.Writer
	c       io.Closer // nil for stdout
	line    []byte    // the writer's encoding buffer
	dropped prometheus.Counter
	lines   prometheus.Counter
	closed  atomic.Bool
	done    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

// New opens the output and starts the writer. Close it to flush.
func New(o Options) (*Log, error) {
	if o.Buffer <= 0 {
		o.Buffer = 8192
	}
	l := &Log{ch: make(chan *Entry, o.Buffer), kick: make(chan struct{}, 1), high: (o.Buffer + 1) / 2,
		json: o.Format != FormatCombined, line: make([]byte, 0, 512),
		done: make(chan struct{}), stopped: make(chan struct{})}
	l.pool.New = func() any { return &Entry{buf: make([]byte, 0, 256)} }
	var out io.Writer = os.Stdout
	if o.Output != "-" && o.Output != "" {
		f, err := os.OpenFile(o.Output, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("access_log.output: %w", err)
		}
		out, l.c = f, f
	}
	l.w = bufio.NewWriterSize(out, writeBuffer)
	var err error
	if l.dropped, l.lines, err = metrics(o.Registry); err != nil {
		if l.c != nil {
			_ = l.c.Close()
		}
		return nil, err
	}
	go l.run()
	return l, nil
}

// Entry is one request's line while it is served. Strings point into the
// config (tenant, API, resource) or are interned (method, protocol);
// everything from the request's buffers is copied into buf.
type Entry struct {
	Start    time.Time
	Remote   netip.Addr
	Method   string
	Proto    string
	BytesIn  int64 // -1: unknown (chunked)
	Status   int
	BytesOut int64 // -1: unknown (a streamed answer without Content-Length)
	Latency  time.Duration
	Tenant   string
	API      string
	Resource string
	User     string
	// buf holds path, user agent, referer and correlation id, back to
	// back; the ends mark where each stops.
	buf                          []byte
	pathEnd, uaEnd, refEnd, cEnd int
}

// maxField bounds each copied field: a client's 8 KiB user agent is the
// client's to send, not ours to store a thousand times in the queue.
const maxField = 1024

func appendCapped(b, v []byte) []byte {
	if len(v) > maxField {
		v = v[:maxField]
	}
	return append(b, v...)
}

// Begin takes an entry for a request and copies what the client sent, as
// sent: path (without the query string, which may carry credentials such
// as ?apikey=), user agent, referer. nil when the log is nil.
func (l *Log) Begin(start time.Time, remote netip.Addr, method, proto string, path, ua, referer []byte, bytesIn int64) *Entry {
	if l == nil {
		return nil
	}
	e := l.pool.Get().(*Entry)
	buf := e.buf[:0]
	*e = Entry{Start: start, Remote: remote, Method: method, Proto: proto, BytesIn: bytesIn}
	buf = appendCapped(buf, path)
	e.pathEnd = len(buf)
	buf = appendCapped(buf, ua)
	e.uaEnd = len(buf)
	buf = appendCapped(buf, referer)
	e.refEnd = len(buf)
	e.cEnd = len(buf)
	e.buf = buf
	return e
}

// SetCorrelationID records the request's correlation id (copied).
func (e *Entry) SetCorrelationID(id string) {
	if e == nil {
		return
	}
	if len(id) > maxField {
		id = id[:maxField]
	}
	e.buf = append(e.buf[:e.refEnd], id...)
	e.cEnd = len(e.buf)
}

// End queues e, whose outcome fields the caller has set. It never blocks:
// a full queue, or a closed log, drops e and counts it.
func (l *Log) End(e *Entry) {
	if l == nil || e == nil {
		return
	}
	if l.closed.Load() {
		l.dropped.Inc()
		return
	}
	select {
	case l.ch <- e:
		if len(l.ch) >= l.high {
			select {
			case l.kick <- struct{}{}:
			default:
			}
		}
	default:
		l.dropped.Inc()
		l.pool.Put(e)
	}
}

// Close stops taking entries, writes what is queued, flushes and closes
// the output. Idempotent and nil-safe.
func (l *Log) Close() error {
	if l == nil {
		return nil
	}
	var err error
	l.once.Do(func() {
		l.closed.Store(true)
		close(l.done)
		<-l.stopped
		err = l.w.Flush()
		if l.c != nil {
			if cerr := l.c.Close(); err == nil {
				err = cerr
			}
		}
	})
	return err
}

func (l *Log) run() {
	defer close(l.stopped)
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-l.kick:
		case <-l.done:
			for {
				select {
				case e := <-l.ch:
					l.write(e)
				default:
					return
				}
			}
		}
		for n := len(l.ch); n > 0; n-- {
			l.write(<-l.ch)
		}
		if l.w.Buffered() > 0 {
			_ = l.w.Flush() // a failing disk loses lines; the next flush tries again
		}
	}
}

func (l *Log) write(e *Entry) {
	if l.json {
		l.line = e.AppendJSON(l.line[:0])
	} else {
		l.line = e.AppendCombined(l.line[:0])
	}
	l.line = append(l.line, '\n')
	_, _ = l.w.Write(l.line)
	l.lines.Inc()
	l.pool.Put(e)
}

func metrics(reg *prometheus.Registry) (dropped, lines prometheus.Counter, err error) {
	dropped = prometheus.NewCounter(prometheus.CounterOpts{Name: "seqgate_access_log_dropped_total",
		Help: "Access log lines dropped because the writer was behind (its queue was full)."})
	lines = prometheus.NewCounter(prometheus.CounterOpts{Name: "seqgate_access_log_lines_total",
		Help: "Access log lines written."})
	if reg == nil {
		return dropped, lines, nil
	}
	for _, c := range []*prometheus.Counter{&dropped, &lines} {
		if err := reg.Register(*c); err != nil {
			are, ok := err.(prometheus.AlreadyRegisteredError)
			if !ok {
				return nil, nil, fmt.Errorf("register access log metrics: %w", err)
			}
			*c = are.ExistingCollector.(prometheus.Counter)
		}
	}
	return dropped, lines, nil
}
