package analytics

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// HTTPSink POSTs events to a collector as a JSON array of up to batchSize
// events, Content-Type application/json. A batch that fails (a transport
// error, a timeout, a non-2xx answer) is dropped: events are telemetry,
// and retrying would only pile them up behind a collector that is down.
// The publisher's goroutine is its only caller and off the traffic path,
// so net/http is used here, not fasthttp.
type HTTPSink struct {
	url     string
	headers http.Header
	client  *http.Client
	batch   int
	n       int
	buf     bytes.Buffer
}

// NewHTTPSink posts to url with the given headers and per-request timeout.
func NewHTTPSink(url string, headers http.Header, batchSize int, timeout time.Duration) *HTTPSink {
	if batchSize <= 0 {
		batchSize = 100
	}
	return &HTTPSink{url: url, headers: headers, batch: batchSize, client: &http.Client{Timeout: timeout}}
}

// Type implements Sink.
func (*HTTPSink) Type() string { return "http" }

// Write implements Sink: it adds ev to the batch and posts a full one.
func (s *HTTPSink) Write(ctx context.Context, ev *Event) (int, error) {
	if s.n == 0 {
		s.buf.Reset()
		s.buf.WriteByte('[')
	} else {
		s.buf.WriteByte(',')
	}
	s.buf.Write(ev.AppendJSON(s.buf.AvailableBuffer()))
	s.n++
	if s.n >= s.batch {
		return s.Flush(ctx)
	}
	return 0, nil
}

// Flush implements Sink: it posts the batch, if any.
func (s *HTTPSink) Flush(ctx context.Context) (int, error) {
	if s.n == 0 {
		return 0, nil
	}
	n := s.n
	s.n = 0
	s.buf.WriteByte(']')
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(s.buf.Bytes()))
	if err != nil {
		return 0, fmt.Errorf("analytics http sink: %w", err)
	}
	for k, v := range s.headers {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("analytics http sink: %d events lost: %w", n, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return 0, fmt.Errorf("analytics http sink: %s answered %s: %d events lost", s.url, resp.Status, n)
	}
	return n, nil
}

// Close implements Sink; the publisher flushes first.
func (s *HTTPSink) Close() error {
	s.client.CloseIdleConnections()
	return nil
}
