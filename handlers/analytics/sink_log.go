package analytics

import (
	"context"
	"encoding/hex"
	"net/netip"
	"time"

	"go.uber.org/zap"
)

// LogSink writes each event as one info line on a zap logger (the gateway
// names it "usage"), its fields at the top level of the JSON line, with the
// event type as the message. It is the default sink and keeps the field
// names of the usage line seqgate wrote before events existed.
type LogSink struct {
	log    *zap.Logger
	fields [20]zap.Field // reused: zap copies or encodes them before Write returns
	// The last timestamp and client address as strings: consecutive
	// events mostly share the millisecond and the client, so a line
	// rarely has to format either.
	lastMS  time.Time
	lastTS  string
	lastIP  netip.Addr
	lastIPs string
}

// NewLogSink writes to log as is (the caller names it).
func NewLogSink(log *zap.Logger) *LogSink { return &LogSink{log: log} }

// Type implements Sink.
func (*LogSink) Type() string { return "log" }

// Write implements Sink.
func (s *LogSink) Write(_ context.Context, e *Event) (int, error) {
	ce := s.log.Check(zap.InfoLevel, e.Type.String())
	if ce == nil {
		return 0, nil
	}
	f := s.fields[:0]
	f = append(f, zap.String("type", e.Type.String()), zap.String("timestamp", s.timestamp(e.Time)),
		zap.String("node", e.Node), zap.String("tenant", e.Tenant), zap.String("api", e.API),
		zap.String("version", e.Version), zap.String("resource", e.Resource), zap.String("method", e.Method))
	if e.Type != TypeRequest {
		f = append(f, zap.Int("status", e.Status), zap.Float64("latency_ms", ms(e.Latency)),
			zap.Float64("backend_ms", ms(e.Backend)), zap.Float64("mediation_ms", ms(e.Mediation)))
	}
	f = append(f, zap.String("application", e.Application), zap.String("application_id", e.ApplicationID),
		zap.String("consumer_key", e.ConsumerKey), zap.String("user", e.User))
	if e.ErrorCode != "" {
		f = append(f, zap.String("error_code", e.ErrorCode))
	}
	if e.CorrelationID != "" {
		f = append(f, zap.String("correlation_id", e.CorrelationID))
	}
	if e.hasTrace() {
		f = append(f, zap.String("trace_id", hex.EncodeToString(e.TraceID[:])))
	}
	f = append(f, zap.String("client_ip", s.clientIP(e.ClientIP)))
	ce.Write(f...)
	return 1, nil
}

func (s *LogSink) timestamp(t time.Time) string {
	t = t.UTC().Truncate(time.Millisecond)
	if !t.Equal(s.lastMS) || s.lastTS == "" {
		s.lastMS, s.lastTS = t, t.Format(TimeFormat)
	}
	return s.lastTS
}

func (s *LogSink) clientIP(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	if a != s.lastIP {
		s.lastIP, s.lastIPs = a, a.String()
	}
	return s.lastIPs
}

// Flush implements Sink; zap's writer does its own buffering.
func (*LogSink) Flush(context.Context) (int, error) { return 0, nil }

// Close implements Sink.
func (s *LogSink) Close() error { _ = s.log.Sync(); return nil }
