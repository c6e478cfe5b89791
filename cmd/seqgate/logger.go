package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/seqgate/seqgate/deploy/config"
)

// logBufferSize is the buffer of the log writer: enough for a flush
// interval of log lines at high request rates.
const logBufferSize = 256 << 10

// newLogger builds the process logger on stderr, JSON (or console). Lines
// are buffered (lineWriter) unless c.Unbuffered: a write(2) per line would cost more
// than the rest of a header-only chain. Warnings and errors are flushed at
// once, and the caller's Sync flushes the rest on exit.
func newLogger(c config.Log) (*zap.Logger, error) { return newLoggerTo(c, os.Stderr) }

// newLoggerTo is newLogger writing to w (benchmarks use io.Discard).
func newLoggerTo(c config.Log, w io.Writer) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(c.Level)
	if err != nil {
		return nil, fmt.Errorf("log.level: %w", err)
	}
	var ws zapcore.WriteSyncer = zapcore.Lock(zapcore.AddSync(w))
	if !c.Unbuffered {
		every := c.FlushInterval.D()
		if every <= 0 { // zap's BufferedWriteSyncer's default; config gives 200ms
			every = 30 * time.Second
		}
		ws = newLineWriter(zapcore.AddSync(w), logBufferSize, every)
	}
	var inner zapcore.Core
	if c.Format == "console" {
		inner = &consoleCore{zapcore.NewCore(zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()), ws, lvl)}
	} else {
		inner = newLineCore(lvl, ws)
	}
	core := &urgentCore{inner, ws}
	// No caller and no stack traces: errors here are config problems and
	// failed calls, told by their fields (file:line of the sequence, not of
	// our Go code), and capturing the caller costs a stack walk per line.
	return zap.New(core), nil
}

// urgentCore flushes the writer after every entry at warn level or above,
// so problems are seen at once even when lines are buffered. It is used
// by pointer: Check hands it to zap as a Core, and a struct value there
// would be boxed, one allocation per line.
type urgentCore struct {
	zapcore.Core
	ws zapcore.WriteSyncer
}

func (c *urgentCore) With(f []zapcore.Field) zapcore.Core { return &urgentCore{c.Core.With(f), c.ws} }

func (c *urgentCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c *urgentCore) Write(e zapcore.Entry, f []zapcore.Field) error {
	err := c.Core.Write(e, f)
	if e.Level >= zapcore.WarnLevel {
		_ = c.ws.Sync()
	}
	return err
}

// consoleCore escapes control characters in the message of a console line.
// zap's console encoder writes the message as it is (fields go out as
// JSON, escaped), and a <log> message holds client data: a body or header
// with CR/LF could forge whole log lines, an ESC could rewrite a terminal
// (issue 13). Used by pointer, like urgentCore.
type consoleCore struct{ zapcore.Core }

func (c *consoleCore) With(f []zapcore.Field) zapcore.Core { return &consoleCore{c.Core.With(f)} }

func (c *consoleCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c *consoleCore) Write(e zapcore.Entry, f []zapcore.Field) error {
	e.Message = escapeControls(e.Message)
	e.LoggerName = escapeControls(e.LoggerName)
	return c.Core.Write(e, f)
}

// escapeControls returns s with C0 controls, DEL, C1 controls and the
// Unicode line and paragraph separators written as Go-style escapes (\n,
// \r, \t, \x1b, \u2028); s itself when it has none (the usual case).
func escapeControls(s string) string {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= utf8.RuneSelf {
			break
		}
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0, r == 0x2028, r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// iso8601Layout is zapcore.ISO8601TimeEncoder's layout.
const iso8601Layout = "2006-01-02T15:04:05.000Z0700"

// tsCache is the last millisecond formatted.
type tsCache struct {
	ms  int64
	loc *time.Location
	s   string
}

var lastTS atomic.Pointer[tsCache]

// iso8601Cached writes what zapcore.ISO8601TimeEncoder writes, formatting
// each millisecond once: at 10,000 requests a second, with a usage line
// and log mediators per request, time formatting was ~5% of the gateway's
// CPU (profile of the mediation bench scenario).
func iso8601Cached(t time.Time, enc zapcore.PrimitiveArrayEncoder) {
	enc.AppendString(iso8601(t))
}

// iso8601 is t in iso8601Layout, formatted once per millisecond.
func iso8601(t time.Time) string {
	ms := t.UnixMilli()
	if c := lastTS.Load(); c != nil && c.ms == ms && c.loc == t.Location() {
		return c.s
	}
	s := t.Format(iso8601Layout)
	lastTS.Store(&tsCache{ms: ms, loc: t.Location(), s: s})
	return s
}
