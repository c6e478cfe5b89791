package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/analytics"
)

// lineSink collects what a core writes.
type lineSink struct{ bytes.Buffer }

func (*lineSink) Sync() error { return nil }

// TestLineCoreMatchesZap holds lineCore to zap's JSON encoder: the same
// entries and fields, through both, must give the same bytes.
func TestLineCoreMatchesZap(t *testing.T) {
	ts := time.Date(2026, 11, 26, 3, 4, 5, 678_000_000, time.UTC)
	nasty := []string{"", "plain", `quo"te`, `back\slash`, "new\nline\r\t", "ctl\x00\x01\x1f\x7f", "bad\xff\xfeutf8",
		"é ü 漢字 😀", "\u2028\u2029", "<html>&amp;", "trunc\xe6\x97"}
	type entry struct {
		name   string
		e      zapcore.Entry
		fields []zap.Field
		with   []zap.Field
		zapped bool // lineCore must hand it to zap's encoder
	}
	var cases []entry
	for _, s := range nasty {
		cases = append(cases, entry{name: "message " + s, e: zapcore.Entry{Level: zap.InfoLevel, Time: ts, Message: s},
			fields: []zap.Field{zap.String(s, s), zap.String("mediator", "log")}})
	}
	cases = append(cases,
		entry{name: "numbers", e: zapcore.Entry{Level: zap.WarnLevel, Time: ts, Message: "n"}, fields: []zap.Field{
			zap.Int("int", -42), zap.Int64("i64", math.MinInt64), zap.Int32("i32", 7), zap.Int16("i16", -3), zap.Int8("i8", 1),
			zap.Uint("uint", 42), zap.Uint64("u64", math.MaxUint64), zap.Uint32("u32", 9), zap.Uint8("u8", 255), zap.Uintptr("up", 0xff),
			zap.Bool("t", true), zap.Bool("f", false),
			zap.Float64("f64", 0.1), zap.Float64("big", 1e21), zap.Float64("tiny", 1e-9), zap.Float64("neg0", math.Copysign(0, -1)),
			zap.Float64("nan", math.NaN()), zap.Float64("inf", math.Inf(1)), zap.Float64("ninf", math.Inf(-1)),
			zap.Duration("d", 1500*time.Millisecond), zap.Duration("dn", -time.Nanosecond), zap.Skip()}},
		entry{name: "levels", e: zapcore.Entry{Level: zap.DebugLevel, Time: ts, Message: "d"}},
		entry{name: "error level", e: zapcore.Entry{Level: zap.ErrorLevel, Time: ts, Message: "e"}},
		entry{name: "zero time", e: zapcore.Entry{Level: zap.InfoLevel, Message: "no ts"}},
		entry{name: "logger name", e: zapcore.Entry{Level: zap.InfoLevel, Time: ts, LoggerName: "admin\"x", Message: "m"}},
		entry{name: "stack", e: zapcore.Entry{Level: zap.ErrorLevel, Time: ts, Message: "m", Stack: "goroutine 1\n\tmain.go:1"}},
		entry{name: "with", e: zapcore.Entry{Level: zap.InfoLevel, Time: ts, Message: "m"},
			with: []zap.Field{zap.String("tenant", "t\"1"), zap.Int("gen", 3)}, fields: []zap.Field{zap.String("k", "v")}},
		entry{name: "error field", e: zapcore.Entry{Level: zap.ErrorLevel, Time: ts, Message: "m"},
			fields: []zap.Field{zap.String("a", "b"), zap.Error(errors.New("boom \"x\""))}, zapped: true},
		entry{name: "object field", e: zapcore.Entry{Level: zap.InfoLevel, Time: ts, Message: "m"},
			fields: []zap.Field{zap.Any("obj", map[string]int{"a": 1}), zap.Strings("list", []string{"x", "y"})}, zapped: true},
		entry{name: "with error", e: zapcore.Entry{Level: zap.InfoLevel, Time: ts, Message: "m"},
			with: []zap.Field{zap.Error(errors.New("ctx"))}, fields: []zap.Field{zap.Int("n", 1)}, zapped: true},
		entry{name: "caller", e: zapcore.Entry{Level: zap.InfoLevel, Time: ts, Message: "m",
			Caller: zapcore.NewEntryCaller(0, "/src/x/y.go", 12, true)}, zapped: true},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want, got lineSink
			var ref zapcore.Core = zapcore.NewCore(zapcore.NewJSONEncoder(lineEncoderConfig()), &want, zap.DebugLevel)
			var lc zapcore.Core = newLineCore(zap.DebugLevel, &got)
			if tc.with != nil {
				ref, lc = ref.With(tc.with), lc.With(tc.with)
			}
			if err := ref.Write(tc.e, tc.fields); err != nil {
				t.Fatal(err)
			}
			if err := lc.Write(tc.e, tc.fields); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("lineCore wrote\n%s\nzap wrote\n%s", got.String(), want.String())
			}
			_, fieldsOK := appendFields(nil, tc.fields)
			if fast := lc.(*lineCore).ok && fieldsOK && !tc.e.Caller.Defined; fast == tc.zapped {
				t.Errorf("fast path taken = %v, want %v", fast, !tc.zapped)
			}
		})
	}
}

// TestLoggerLevelsAndFlush: the process logger writes enabled levels only,
// through lineCore, and flushes warnings at once though lines are buffered.
func TestLoggerLevelsAndFlush(t *testing.T) {
	var out lineSink
	log, err := newLoggerTo(config.Log{Level: "info", FlushInterval: config.Duration(time.Hour)}, &out)
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("hidden")
	log.Info("kept", zap.String("k", "v"))
	if out.Len() != 0 {
		t.Fatalf("an info line was written before a flush: %q", out.String())
	}
	log.Warn("urgent")
	lines := bytes.Split(bytes.TrimSuffix(out.Bytes(), []byte("\n")), []byte("\n"))
	if len(lines) != 2 || !bytes.Contains(lines[0], []byte(`"msg":"kept","k":"v"}`)) ||
		!bytes.Contains(lines[1], []byte(`{"level":"warn","ts":"`)) {
		t.Fatalf("after a warning the log holds %q", out.String())
	}
}

// BenchmarkLogLine is one <log> mediator line through the process logger
// (buffered, to io.Discard).
func BenchmarkLogLine(b *testing.B) {
	log, err := newLoggerTo(config.Log{Level: "info", FlushInterval: config.Duration(time.Second)}, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	f := []zap.Field{zap.String("mediator", "log")}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		log.Log(zap.InfoLevel, "gi = yes", f...)
	}
}

// usageEvents are the usage lines of TestUsageLineMatchesZap and
// BenchmarkUsageLine: a response, a fault with every optional field and
// awkward strings, a request event.
func usageEvents() []analytics.Event {
	ts := time.Date(2026, 12, 5, 4, 3, 2, 891_234_567, time.UTC)
	resp := analytics.Event{Type: analytics.TypeResponse, Time: ts, Node: "node-1", Tenant: "carbon.super",
		API: "admin--Bench:v1.0.0", Version: "1.0.0", Resource: "/*", Method: "GET", Status: 200,
		Latency: 1234567 * time.Nanosecond, Backend: 800 * time.Microsecond, Mediation: 45 * time.Microsecond,
		Application: "BenchApp", ApplicationID: "1", ConsumerKey: "bench-ck", User: "bench",
		ClientIP: netip.MustParseAddr("127.0.0.1")}
	fault := resp
	fault.Type, fault.Status, fault.ErrorCode, fault.CorrelationID = analytics.TypeFault, 503, "101503", "urn:uuid:1\"2"
	fault.User, fault.Resource, fault.TraceID = "ünï\ncode\x01\xff", `/a\b`, [16]byte{0xab, 1}
	fault.ClientIP = netip.MustParseAddr("2001:db8::1")
	req := resp
	req.Type, req.ClientIP = analytics.TypeRequest, netip.Addr{}
	return []analytics.Event{resp, fault, req}
}

// TestUsageLineMatchesZap: the usage line through lineCore is byte for
// byte what zap's JSON encoder writes from the event's fields.
func TestUsageLineMatchesZap(t *testing.T) {
	for i, ev := range usageEvents() {
		var want, got lineSink
		clock := zap.WithClock(fixedClock{ev.Time})
		ref := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(lineEncoderConfig()), &want, zap.InfoLevel), clock).Named("usage")
		lc := zap.New(newLineCore(zap.InfoLevel, &got), clock).Named("usage")
		for _, l := range []*zap.Logger{ref, lc} {
			if n, err := analytics.NewLogSink(l).Write(context.Background(), &ev); n != 1 || err != nil {
				t.Fatal(n, err)
			}
		}
		// The sink's fields are ones lineCore encodes itself, not zap's.
		obs, seen := observer.New(zap.InfoLevel)
		analytics.NewLogSink(zap.New(obs)).Write(context.Background(), &ev)
		if _, fast := appendFields(nil, seen.All()[0].Context); !fast {
			t.Errorf("event %d: lineCore hands the usage line to zap's encoder", i)
		}
		if got.String() != want.String() {
			t.Errorf("event %d: lineCore wrote\n%s\nzap wrote\n%s", i, got.String(), want.String())
		}
	}
}

// BenchmarkUsageLine is one usage event written by the log sink through
// the process logger (buffered, to io.Discard), as the publisher's
// goroutine does once per request.
func BenchmarkUsageLine(b *testing.B) {
	log, err := newLoggerTo(config.Log{Level: "info", FlushInterval: config.Duration(time.Second)}, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	sink := analytics.NewLogSink(log.Named("usage"))
	ev := usageEvents()[0]
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := sink.Write(context.Background(), &ev); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAppendFloatMatchesStrconv: the thousandths fast path writes what
// strconv's shortest form writes, on every ms value the usage line makes
// from a duration (µs / 1000, small and large), near the 2^33 bound, and on
// values that are not thousandths.
func TestAppendFloatMatchesStrconv(t *testing.T) {
	check := func(v float64) {
		t.Helper()
		if got, want := appendFloat(nil, v), strconv.AppendFloat(nil, v, 'f', -1, 64); string(got) != string(want) {
			t.Fatalf("appendFloat(%v) = %s, want %s", v, got, want)
		}
	}
	for us := int64(-3000); us <= 100000; us++ {
		check(float64(us) / 1000)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 200000; i++ {
		us := rng.Int64N(1 << 40)
		check(float64(us) / 1000)
		check(-float64(us) / 1000)
		check(float64(time.Duration(rng.Int64N(1<<45)).Microseconds()) / 1000)
		check(rng.Float64() * 1e6)
	}
	for _, k := range []int64{1<<33 - 1, 1 << 33, 1<<33 + 1, 1 << 40, 1 << 53} {
		check(float64(k) / 1000)
		check(float64(k))
	}
	check(math.Copysign(0, -1))
	check(0)
	check(0.1 + 0.2)
	check(1e-7)
}
