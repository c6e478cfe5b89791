package main

import (
	"testing"
	"time"

	"go.uber.org/zap/zapcore"
)

// TestISO8601Cached: the cached encoder writes exactly what zap's
// ISO8601TimeEncoder writes, for repeated and changing milliseconds and
// across time zones of the same instant.
func TestISO8601Cached(t *testing.T) {
	base := time.Date(2026, 11, 26, 1, 2, 3, 456_000_000, time.UTC)
	ist := time.FixedZone("IST", 5*3600+1800)
	times := []time.Time{
		base, base, base.Add(100 * time.Microsecond), base.Add(time.Millisecond),
		base.Add(time.Hour), base.Add(-time.Second), base.In(ist), base,
	}
	for i, tm := range times {
		got, want := encodeWith(iso8601Cached, tm), encodeWith(zapcore.ISO8601TimeEncoder, tm)
		if got != want {
			t.Errorf("time %d (%v): got %q, want %q", i, tm, got, want)
		}
	}
}

func encodeWith(f zapcore.TimeEncoder, tm time.Time) string {
	enc := &sliceEncoder{}
	f(tm, enc)
	return enc.s
}

// sliceEncoder records the one string a time encoder appends.
type sliceEncoder struct {
	zapcore.PrimitiveArrayEncoder
	s string
}

func (e *sliceEncoder) AppendString(s string) { e.s = s }
