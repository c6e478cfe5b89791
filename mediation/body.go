package mediation

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
)

// The body gate: every reader of the current message's payload (Body, and
// through it JSON, XMLPayload, BodyFormat and every mediator) gets it from
// LoadBody, which runs once per message and
//
//   - reads a streamed body (a large upload, a backend answer the gateway
//     chose to stream) into memory, never past the body limit of that
//     direction (Limits.MaxBodyBytes for requests,
//     Limits.MaxResponseBodyBytes for answers);
//   - decodes a gzip or deflate Content-Encoding, again never past that
//     limit, so a small compressed bomb cannot become a large buffer; the
//     decoded bytes replace the body and the Content-Encoding header is
//     removed: what is sent on is the plain form, labelled plain (fasthttp
//     writes the new Content-Length). The gateway does not re-encode:
//     compression is the edge's business, and a plain body is always
//     acceptable to the receiver;
//   - refuses a coding it cannot decode (br, zstd, a list of codings) with
//     ErrUnsupportedEncoding rather than handing compressed bytes to an
//     XML or JSON parser;
//   - counts what it holds against the process-wide Budget, if any.
//
// A message nobody reads never reaches the gate: it goes on as it came,
// still compressed, its label kept, streamed when it was a stream.

var (
	// ErrBodyTooLarge: the body, or its decoded form, is over the body
	// limit of its direction (413 for a request, 502 for an answer).
	ErrBodyTooLarge = errors.New("body over the size limit")
	// ErrUnsupportedEncoding: the body has a Content-Encoding the gateway
	// cannot decode, and a mediator needs to read it (415 for a request,
	// 502 for an answer).
	ErrUnsupportedEncoding = errors.New("unsupported content-encoding")
	// ErrBodyBudget: buffering the body would take the process over
	// limits.max_buffered_bytes (503).
	ErrBodyBudget = errors.New("buffered body budget exhausted")
)

// Defaults of the body limits when Limits leaves them zero; they are the
// config package's defaults (limits.max_body_bytes,
// limits.max_response_body_bytes).
const (
	DefaultMaxBodyBytes         = 10 << 20
	DefaultMaxResponseBodyBytes = 64 << 20
)

// bodyState is the gate's record for one direction's message.
type bodyState struct {
	loaded bool
	err    error
}

// LoadBody makes the current message's body readable (see the gate above)
// and returns why it cannot be, marked ErrBadPayload (the sender's fault).
// It runs once per message; later calls return the first result. The
// gateway calls it before a path whose sequences read the body, so a bad
// body is refused before any mediator runs; Body calls it for everyone
// else.
func (mc *MessageContext) LoadBody() error {
	st := &mc.bodyState[mc.Dir]
	if !st.loaded {
		st.loaded = true
		before := mc.reserved
		mc.gateBuf = nil
		st.err = badPayload(mc.loadBody())
		if mc.Dir == Out && st.err == nil {
			mc.answerShare = mc.reserved - before
		}
	}
	return st.err
}

// BodyError is the gate's error for the current message, nil when the
// body was never loaded or loaded fine.
func (mc *MessageContext) BodyError() error { return mc.bodyState[mc.Dir].err }

func (mc *MessageContext) loadBody() error {
	var (
		stream io.Reader
		enc    []byte
		cl     int
		body   func() []byte
		set    func([]byte)
		delEnc func()
		limit  = mc.Limits.MaxBodyBytes
		what   = "request"
	)
	if mc.Dir == Out {
		r := mc.Resp
		stream, enc, cl, body, set = r.BodyStream(), r.Header.ContentEncoding(), r.Header.ContentLength(), r.Body, r.SetBodyRaw
		delEnc = func() { r.Header.Del("Content-Encoding") }
		limit, what = mc.Limits.MaxResponseBodyBytes, "response"
		if limit <= 0 {
			limit = DefaultMaxResponseBodyBytes
		}
	} else {
		r := mc.Req
		stream, enc, cl, body, set = r.BodyStream(), r.Header.ContentEncoding(), r.Header.ContentLength(), r.Body, r.SetBodyRaw
		delEnc = func() { r.Header.Del("Content-Encoding") }
		if limit <= 0 {
			limit = DefaultMaxBodyBytes
		}
	}
	var raw []byte
	if stream != nil {
		if cl > limit {
			return fmt.Errorf("%s body of %d bytes: %w (%d)", what, cl, ErrBodyTooLarge, limit)
		}
		b, err := mc.readBounded(stream, limit, cl)
		if err != nil {
			return fmt.Errorf("read %s body: %w", what, err)
		}
		set(b)
		mc.gateBuf = b
		raw = b
	} else {
		raw = body()
		if err := mc.reserve(len(raw)); err != nil {
			return err
		}
	}
	coding := strings.ToLower(strings.TrimSpace(string(enc)))
	if coding == "" || coding == "identity" || len(raw) == 0 {
		return nil
	}
	plain, err := mc.decode(coding, raw, limit)
	if err != nil {
		return fmt.Errorf("decode %s %s body: %w", coding, what, err)
	}
	set(plain)
	mc.gateBuf = plain
	delEnc()
	return nil
}

// ownsAnswer reports whether b is the buffer the gate allocated for the
// current answer (not replaced since by a mediator's SetBody).
func (mc *MessageContext) ownsAnswer(b []byte) bool {
	g := mc.gateBuf
	return len(g) > 0 && len(b) == len(g) && &b[0] == &g[0]
}

// decode returns the decoded form of raw in a buffer of exactly its size,
// or ErrBodyTooLarge when it is over limit. It decodes twice: first only
// counting (into io.Discard, stopping one byte past the limit), then into
// the buffer. Decoding is cheap next to what it protects: a bomb costs no
// memory at all, and a good body one allocation, not the doubling garbage
// of a growing buffer.
func (mc *MessageContext) decode(coding string, raw []byte, limit int) ([]byte, error) {
	dec, err := decoder(coding, raw)
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(io.Discard, io.LimitReader(dec, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if n > int64(limit) {
		return nil, fmt.Errorf("%w (%d bytes)", ErrBodyTooLarge, limit)
	}
	if err := mc.reserve(int(n)); err != nil {
		return nil, err
	}
	dec, _ = decoder(coding, raw)
	buf := make([]byte, n)
	if _, err := io.ReadFull(dec, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// decoder returns a reader of the decoded form of raw, for the codings
// HTTP clients and servers actually send: gzip (and its old name x-gzip)
// and deflate (zlib-wrapped as RFC 9110 says, or raw deflate as some
// servers send it). The standard library's decoders are used: decoding is
// rare on this path, and they need no new module.
func decoder(coding string, raw []byte) (io.Reader, error) {
	switch coding {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, nil
	case "deflate":
		if zr, err := zlib.NewReader(bytes.NewReader(raw)); err == nil {
			return zr, nil
		}
		return flate.NewReader(bufio.NewReader(bytes.NewReader(raw))), nil
	}
	return nil, fmt.Errorf("%w %q (the gateway decodes gzip and deflate)", ErrUnsupportedEncoding, coding)
}

// readBounded reads r to its end into a new buffer, failing with
// ErrBodyTooLarge as soon as more than limit bytes come: the buffer never
// grows past limit (plus one read). hint (-1: unknown) sizes the first
// allocation. Every byte read is reserved from the budget first.
func (mc *MessageContext) readBounded(r io.Reader, limit, hint int) ([]byte, error) {
	const step = 32 << 10
	size := step
	if hint > 0 {
		size = min(hint, limit) + 1 // +1: EOF without a grow
	}
	if err := mc.reserve(size); err != nil {
		return nil, err
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			grow := min(max(cap(buf), step), limit+1-cap(buf))
			if grow <= 0 {
				return nil, fmt.Errorf("%w (%d bytes)", ErrBodyTooLarge, limit)
			}
			if err := mc.reserve(grow); err != nil {
				return nil, err
			}
			nb := make([]byte, len(buf), cap(buf)+grow)
			copy(nb, buf)
			buf = nb
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > limit {
			return nil, fmt.Errorf("%w (%d bytes)", ErrBodyTooLarge, limit)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// Budget bounds the body bytes the gateway holds in memory at once,
// across every request in flight (limits.max_buffered_bytes). The body
// gate reserves from it before it buffers; the gateway releases a
// request's share when its handler returns. A request that would go over
// it fails with ErrBodyBudget (503): a burst of large bodies that must be
// buffered is refused instead of growing the process without bound.
// Bodies the gateway streams take nothing from it.
type Budget struct {
	max  int64
	used atomic.Int64
}

// NewBudget returns a budget of max bytes; max <= 0 means no budget (nil).
func NewBudget(max int64) *Budget {
	if max <= 0 {
		return nil
	}
	return &Budget{max: max}
}

// Used is the number of bytes reserved now (for metrics and tests).
func (b *Budget) Used() int64 {
	if b == nil {
		return 0
	}
	return b.used.Load()
}

// Reserve takes n bytes of the budget for this request, for a body the
// gateway buffers outside the gate; ErrBodyBudget when that would go over.
func (mc *MessageContext) Reserve(n int) error { return mc.reserve(n) }

// reserve takes n bytes of the budget for this request.
func (mc *MessageContext) reserve(n int) error {
	b := mc.Budget
	if b == nil || n <= 0 {
		return nil
	}
	if b.used.Add(int64(n)) > b.max {
		b.used.Add(-int64(n))
		return fmt.Errorf("%w (limits.max_buffered_bytes %d)", ErrBodyBudget, b.max)
	}
	mc.reserved += int64(n)
	return nil
}

// HoldAnswerBudget keeps the budget share of a buffered answer reserved
// until the server has written it to the client, which for a slow client
// is long after the handler returned (when ReleaseBody runs): the answer
// becomes a stream over the same bytes that gives the share back when the
// server closes it. It applies to answers of at least min bytes that the
// gate buffered itself (a mediator's own SetBody copies into fasthttp's
// buffer, which the gateway cannot keep). The gateway calls it when the
// handler is about to return.
func (mc *MessageContext) HoldAnswerBudget(min int) {
	n := mc.answerShare
	if mc.Budget == nil || n <= 0 || mc.Resp.IsBodyStream() {
		return
	}
	b := mc.Resp.Body()
	if len(b) < min || len(b) == 0 || cap(b) == 0 || !mc.ownsAnswer(b) {
		return
	}
	mc.reserved -= n
	mc.answerShare = 0
	// SetBodyStream drops the reference to b as the body (it is not a
	// pooled buffer: the gate allocated it), the reader keeps it alive.
	mc.Resp.SetBodyStream(&heldAnswer{Reader: bytes.NewReader(b), budget: mc.Budget, n: n}, len(b))
}

// heldAnswer is an answer's bytes that hold their budget share until the
// server closes the stream (written, or the connection gone).
type heldAnswer struct {
	*bytes.Reader
	budget *Budget
	n      int64
	once   sync.Once
}

func (h *heldAnswer) Close() error {
	h.once.Do(func() { h.budget.used.Add(-h.n) })
	return nil
}

// ReleaseBody gives back what this request took of the budget; the
// gateway calls it when the request ends.
func (mc *MessageContext) ReleaseBody() {
	if mc.reserved != 0 && mc.Budget != nil {
		mc.Budget.used.Add(-mc.reserved)
	}
	mc.reserved, mc.answerShare, mc.gateBuf = 0, 0, nil
}
