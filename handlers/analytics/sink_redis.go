package analytics

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// RedisStreamSink adds each event to a Redis stream (XADD <stream> MAXLEN ~
// <maxLen> * event <json>), pipelined: one round trip per batch. The
// client is the server's shared one; the sink never closes it. A failed
// batch is dropped, as for the http sink.
type RedisStreamSink struct {
	rdb    *redis.Client
	stream string
	maxLen int64
	batch  int
	pipe   redis.Pipeliner
	n      int
	buf    []byte
}

// NewRedisStreamSink writes to stream on rdb.
func NewRedisStreamSink(rdb *redis.Client, stream string, maxLen int64, batchSize int) *RedisStreamSink {
	if batchSize <= 0 {
		batchSize = 100
	}
	return &RedisStreamSink{rdb: rdb, stream: stream, maxLen: maxLen, batch: batchSize, pipe: rdb.Pipeline()}
}

// Type implements Sink.
func (*RedisStreamSink) Type() string { return "redis_stream" }

// Write implements Sink: it queues the XADD and sends a full batch.
func (s *RedisStreamSink) Write(ctx context.Context, ev *Event) (int, error) {
	s.buf = ev.AppendJSON(s.buf[:0])
	s.pipe.XAdd(ctx, &redis.XAddArgs{Stream: s.stream, MaxLen: s.maxLen, Approx: true,
		Values: []string{"event", string(s.buf)}})
	s.n++
	if s.n >= s.batch {
		return s.Flush(ctx)
	}
	return 0, nil
}

// Flush implements Sink: it sends the queued XADDs in one round trip.
func (s *RedisStreamSink) Flush(ctx context.Context) (int, error) {
	if s.n == 0 {
		return 0, nil
	}
	n := s.n
	s.n = 0
	if _, err := s.pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("analytics redis_stream sink %s: %d events lost: %w", s.stream, n, err)
	}
	return n, nil
}

// Close implements Sink; the client belongs to the server.
func (*RedisStreamSink) Close() error { return nil }
