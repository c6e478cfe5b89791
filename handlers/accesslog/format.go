package accesslog

import (
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/seqgate/seqgate/mediation/jsontext"
)

// TimeFormat is the json format's timestamp: RFC 3339 with milliseconds,
// UTC, as the analytics events have it.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// clfTime is the combined format's [day/Mon/year:hh:mm:ss zone].
const clfTime = "02/Jan/2006:15:04:05 -0700"

// Path, UserAgent, Referer and CorrelationID read the copied fields.
func (e *Entry) Path() string          { return string(e.buf[:e.pathEnd]) }
func (e *Entry) UserAgent() string     { return string(e.buf[e.pathEnd:e.uaEnd]) }
func (e *Entry) Referer() string       { return string(e.buf[e.uaEnd:e.refEnd]) }
func (e *Entry) CorrelationID() string { return string(e.buf[e.refEnd:e.cEnd]) }

// AppendJSON appends e as one JSON object. Fields with nothing to say are
// left out (an unrouted request has no api or resource; its path says what
// was asked for). Only the writer goroutine calls it.
func (e *Entry) AppendJSON(b []byte) []byte {
	b = append(b, `{"time":"`...)
	b = e.Start.UTC().AppendFormat(b, TimeFormat)
	b = append(b, '"')
	if e.Remote.IsValid() {
		b = append(b, `,"remote":"`...)
		b = e.Remote.AppendTo(b)
		b = append(b, '"')
	}
	b = field(b, "method", e.Method)
	b = fieldBytes(b, "path", e.buf[:e.pathEnd])
	b = field(b, "proto", e.Proto)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(e.Status), 10)
	if e.BytesIn >= 0 {
		b = append(b, `,"bytes_in":`...)
		b = strconv.AppendInt(b, e.BytesIn, 10)
	}
	if e.BytesOut >= 0 {
		b = append(b, `,"bytes_out":`...)
		b = strconv.AppendInt(b, e.BytesOut, 10)
	}
	b = append(b, `,"latency_ms":`...)
	b = strconv.AppendFloat(b, float64(e.Latency.Microseconds())/1000, 'f', -1, 64)
	b = fieldBytes(b, "user_agent", e.buf[e.pathEnd:e.uaEnd])
	b = fieldBytes(b, "referer", e.buf[e.uaEnd:e.refEnd])
	b = field(b, "user", e.User)
	b = field(b, "tenant", e.Tenant)
	b = field(b, "api", e.API)
	b = field(b, "resource", e.Resource)
	b = fieldBytes(b, "correlation_id", e.buf[e.refEnd:e.cEnd])
	return append(b, '}')
}

func field(b []byte, name, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return jsontext.AppendString(b, v)
}

func fieldBytes(b []byte, name string, v []byte) []byte {
	if len(v) == 0 {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':', '"')
	b = jsontext.AppendEscaped(b, unsafeString(v))
	return append(b, '"')
}

// AppendCombined appends e in Apache's combined format, then the gateway's
// own fields as name=value (- when empty):
//
//	remote - user [time] "METHOD path PROTO" status bytes_out "referer" "user_agent" latency_ms=… tenant=… api=… resource=… correlation_id=… bytes_in=…
//
// Quoted fields escape '"', '\' and control or non-UTF-8 bytes as \xHH,
// as Apache does, so a client cannot forge a second line or field.
func (e *Entry) AppendCombined(b []byte) []byte {
	if e.Remote.IsValid() {
		b = e.Remote.AppendTo(b)
	} else {
		b = append(b, '-')
	}
	b = append(b, " - "...)
	b = appendToken(b, []byte(e.User))
	b = append(b, " ["...)
	b = e.Start.Local().AppendFormat(b, clfTime)
	b = append(b, `] "`...)
	b = append(b, e.Method...)
	b = append(b, ' ')
	b = appendEscaped(b, e.buf[:e.pathEnd])
	b = append(b, ' ')
	b = append(b, e.Proto...)
	b = append(b, `" `...)
	b = strconv.AppendInt(b, int64(e.Status), 10)
	b = append(b, ' ')
	b = appendCount(b, e.BytesOut)
	b = append(b, ` "`...)
	b = appendEscaped(b, e.buf[e.uaEnd:e.refEnd])
	b = append(b, `" "`...)
	b = appendEscaped(b, e.buf[e.pathEnd:e.uaEnd])
	b = append(b, `" latency_ms=`...)
	b = strconv.AppendFloat(b, float64(e.Latency.Microseconds())/1000, 'f', -1, 64)
	b = append(b, " tenant="...)
	b = appendToken(b, []byte(e.Tenant))
	b = append(b, " api="...)
	b = appendToken(b, []byte(e.API))
	b = append(b, " resource="...)
	b = appendToken(b, []byte(e.Resource))
	b = append(b, " correlation_id="...)
	b = appendToken(b, e.buf[e.refEnd:e.cEnd])
	b = append(b, " bytes_in="...)
	return appendCount(b, e.BytesIn)
}

func appendCount(b []byte, n int64) []byte {
	if n < 0 {
		return append(b, '-')
	}
	return strconv.AppendInt(b, n, 10)
}

// appendToken writes an unquoted field: - when empty, spaces escaped too.
func appendToken(b, v []byte) []byte {
	if len(v) == 0 {
		return append(b, '-')
	}
	for _, c := range v {
		if c == ' ' {
			b = append(b, `\x20`...)
			continue
		}
		b = appendByte(b, c)
	}
	return b
}

func appendEscaped(b, v []byte) []byte {
	for i := 0; i < len(v); {
		c := v[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRune(v[i:])
			if r == utf8.RuneError && n == 1 {
				b = appendHex(b, c)
			} else {
				b = append(b, v[i:i+n]...)
			}
			i += n
			continue
		}
		b = appendByte(b, c)
		i++
	}
	return b
}

func appendByte(b []byte, c byte) []byte {
	if c < 0x20 || c == 0x7f || c == '"' || c == '\\' {
		return appendHex(b, c)
	}
	return append(b, c)
}

const hexDigits = "0123456789abcdef"

func appendHex(b []byte, c byte) []byte {
	return append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
}

// unsafeString views v as a string for the escaper, which only reads it;
// v is the entry's buffer, unchanged until the entry returns to the pool.
func unsafeString(v []byte) string { return unsafe.String(unsafe.SliceData(v), len(v)) }
