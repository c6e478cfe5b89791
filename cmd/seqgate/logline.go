package main

import (
	"math"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/seqgate/seqgate/mediation/jsontext"
)

// lineCore writes the process log's JSON lines: byte for byte what zap's
// JSON encoder writes with lineEncoderConfig, but appended straight into a
// pooled buffer for the field types the request path logs (strings,
// integers, floats, bools, durations). zap's encoder clones itself, goes
// through an interface call per field and formats the level and time
// through callbacks: ~400 ns for a one-field line on the bench machine,
// where the <log> mediators and the usage event write five lines per
// request (15% of the in-process `mediation` chain's CPU). An entry with
// any other field type (errors, objects, arrays...) or a caller is handed
// to zap's encoder whole, so nothing is encoded differently. A test holds
// the two encoders to the same output.
type lineCore struct {
	zapcore.LevelEnabler
	zap zapcore.Encoder // zap's encoder, with the same context fields
	out zapcore.WriteSyncer
	// lw, when out is the process log's lineWriter, takes lines encoded
	// straight into its buffer (no pooled buffer, no copy).
	lw *lineWriter
	// ctx holds the context fields (With) encoded as `,"k":v...`; ok is
	// false once a context field is of a type lineCore does not encode,
	// and every entry then goes to zap's encoder.
	ctx []byte
	ok  bool
}

// lineEncoderConfig is zap's production JSON config with an ISO 8601 "ts".
func lineEncoderConfig() zapcore.EncoderConfig {
	ec := zap.NewProductionEncoderConfig()
	ec.TimeKey = "ts"
	ec.EncodeTime = iso8601Cached
	return ec
}

func newLineCore(lvl zapcore.LevelEnabler, out zapcore.WriteSyncer) *lineCore {
	lw, _ := out.(*lineWriter)
	return &lineCore{LevelEnabler: lvl, zap: zapcore.NewJSONEncoder(lineEncoderConfig()), out: out, lw: lw, ok: true}
}

var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// With implements zapcore.Core.
func (c *lineCore) With(fields []zapcore.Field) zapcore.Core {
	n := &lineCore{LevelEnabler: c.LevelEnabler, zap: c.zap.Clone(), out: c.out, lw: c.lw, ok: c.ok}
	for i := range fields {
		fields[i].AddTo(n.zap)
	}
	if n.ok {
		var ok bool
		n.ctx, ok = appendFields(append([]byte(nil), c.ctx...), fields)
		n.ok = ok
	}
	return n
}

// Check implements zapcore.Core.
func (c *lineCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

// Sync implements zapcore.Core.
func (c *lineCore) Sync() error { return c.out.Sync() }

// Write implements zapcore.Core.
func (c *lineCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	if !c.ok || e.Caller.Defined {
		return c.zapWrite(e, fields)
	}
	if w := c.lw; w != nil {
		w.mu.Lock()
		start := len(w.buf)
		b, ok := c.appendLine(w.buf, e, fields)
		if !ok {
			w.buf = b[:start]
			w.mu.Unlock()
			return c.zapWrite(e, fields)
		}
		w.buf = b
		var err error
		if len(b) >= w.size {
			err = w.flushLocked()
		}
		w.mu.Unlock()
		return err
	}
	bp := linePool.Get().(*[]byte)
	defer linePool.Put(bp)
	b, ok := c.appendLine((*bp)[:0], e, fields)
	*bp = b
	if !ok {
		return c.zapWrite(e, fields)
	}
	_, err := c.out.Write(b)
	return err
}

// appendLine appends the entry's JSON line to b, or reports false at the
// first field of a type it leaves to zap.
func (c *lineCore) appendLine(b []byte, e zapcore.Entry, fields []zapcore.Field) ([]byte, bool) {
	b = append(b, `{"level":"`...)
	b = append(b, e.Level.String()...)
	b = append(b, '"')
	if !e.Time.IsZero() {
		b = append(b, `,"ts":"`...)
		b = append(b, iso8601(e.Time)...)
		b = append(b, '"')
	}
	if e.LoggerName != "" {
		b = jsontext.AppendString(append(b, `,"logger":`...), e.LoggerName)
	}
	b = jsontext.AppendString(append(b, `,"msg":`...), e.Message)
	b = append(b, c.ctx...)
	b, ok := appendFields(b, fields)
	if !ok {
		return b, false
	}
	if e.Stack != "" {
		b = jsontext.AppendString(append(b, `,"stacktrace":`...), e.Stack)
	}
	return append(b, "}\n"...), true
}

func (c *lineCore) zapWrite(e zapcore.Entry, fields []zapcore.Field) error {
	buf, err := c.zap.EncodeEntry(e, fields)
	if err != nil {
		return err
	}
	_, err = c.out.Write(buf.Bytes())
	buf.Free()
	return err
}

// appendFields appends `,"key":value` for each field, or reports false at
// the first field of a type it leaves to zap.
func appendFields(b []byte, fields []zapcore.Field) ([]byte, bool) {
	for i := range fields {
		f := &fields[i]
		if f.Type == zapcore.SkipType {
			continue
		}
		b = jsontext.AppendString(append(b, ','), f.Key)
		b = append(b, ':')
		switch f.Type {
		case zapcore.StringType:
			b = jsontext.AppendString(b, f.String)
		case zapcore.Int64Type, zapcore.Int32Type, zapcore.Int16Type, zapcore.Int8Type:
			b = strconv.AppendInt(b, f.Integer, 10)
		case zapcore.Uint64Type, zapcore.Uint32Type, zapcore.Uint16Type, zapcore.Uint8Type, zapcore.UintptrType:
			b = strconv.AppendUint(b, uint64(f.Integer), 10)
		case zapcore.BoolType:
			b = strconv.AppendBool(b, f.Integer == 1)
		case zapcore.Float64Type:
			b = appendFloat(b, math.Float64frombits(uint64(f.Integer)))
		case zapcore.DurationType: // zap's SecondsDurationEncoder
			b = appendFloat(b, float64(time.Duration(f.Integer))/float64(time.Second))
		default:
			return b, false
		}
	}
	return b, true
}

func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, `"NaN"`...)
	case math.IsInf(v, 1):
		return append(b, `"+Inf"`...)
	case math.IsInf(v, -1):
		return append(b, `"-Inf"`...)
	}
	// The usage line's latencies are whole microseconds in milliseconds
	// (analytics: µs / 1000): such a value is the double nearest to k/1000
	// for an integer k, and below 2^33 thousandths apart are far more than
	// an ulp apart, so its shortest text is k/1000 in decimal with the
	// trailing zeros dropped, which is cheaper to write than to find
	// (strconv's shortest search was a sixth of the usage line's cost).
	// -0 and all else go to strconv.
	if k := v * 1000; v != 0 && math.Abs(k) < 1<<33 && k == math.Trunc(k) && k/1000 == v {
		return appendThousandths(b, int64(k))
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// appendThousandths writes k/1000 as strconv writes the shortest 'f' form:
// no trailing zeros, no point for a whole number.
func appendThousandths(b []byte, k int64) []byte {
	if k < 0 {
		b = append(b, '-')
		k = -k
	}
	b = strconv.AppendInt(b, k/1000, 10)
	f := k % 1000
	if f == 0 {
		return b
	}
	d := [3]byte{byte('0' + f/100), byte('0' + f/10%10), byte('0' + f%10)}
	n := 3
	for d[n-1] == '0' {
		n--
	}
	return append(append(b, '.'), d[:n]...)
}
