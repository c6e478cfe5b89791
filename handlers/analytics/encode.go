package analytics

import (
	"encoding/hex"
	"strconv"
	"time"

	"github.com/seqgate/seqgate/mediation/jsontext"
)

// TimeFormat is the timestamp's layout: RFC 3339 with milliseconds, UTC.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// AppendJSON appends e as one JSON object to b, with the field names of
// SCHEMA.md, and returns the extended slice. It allocates only when b
// must grow, so a sink that reuses its buffer encodes for free.
func (e *Event) AppendJSON(b []byte) []byte {
	b = append(b, `{"type":"`...)
	b = append(b, e.Type.String()...)
	b = append(b, `","timestamp":"`...)
	b = e.Time.UTC().AppendFormat(b, TimeFormat)
	b = append(b, '"')
	b = appendField(b, "node", e.Node)
	b = appendField(b, "tenant", e.Tenant)
	b = appendField(b, "api", e.API)
	b = appendField(b, "version", e.Version)
	b = appendField(b, "resource", e.Resource)
	b = appendField(b, "method", e.Method)
	if e.Type != TypeRequest {
		b = append(b, `,"status":`...)
		b = strconv.AppendInt(b, int64(e.Status), 10)
		b = appendMS(b, "latency_ms", e.Latency)
		b = appendMS(b, "backend_ms", e.Backend)
		b = appendMS(b, "mediation_ms", e.Mediation)
	}
	b = appendField(b, "application", e.Application)
	b = appendField(b, "application_id", e.ApplicationID)
	b = appendField(b, "consumer_key", e.ConsumerKey)
	b = appendField(b, "user", e.User)
	if e.ErrorCode != "" {
		b = appendField(b, "error_code", e.ErrorCode)
	}
	if e.CorrelationID != "" {
		b = appendField(b, "correlation_id", e.CorrelationID)
	}
	if e.hasTrace() {
		b = append(b, `,"trace_id":"`...)
		b = hex.AppendEncode(b, e.TraceID[:])
		b = append(b, '"')
	}
	b = append(b, `,"client_ip":"`...)
	if e.ClientIP.IsValid() {
		b = e.ClientIP.AppendTo(b)
	}
	return append(b, `"}`...)
}

func appendField(b []byte, name, v string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return jsontext.AppendString(b, v)
}

// appendMS writes d in milliseconds with microsecond precision.
func appendMS(b []byte, name string, d time.Duration) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return strconv.AppendFloat(b, ms(d), 'f', -1, 64)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
