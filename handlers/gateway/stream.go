package gateway

import (
	"errors"
	"io"
	"sync"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/endpoint"
)

// Streaming (issue 13, item 9). Whether a body is buffered is decided per
// request and per direction from what the compiled sequences on that path
// do (handlers.ReadsBody, from Sequence.NeedsBody):
//
//   - request: the server hands every body over as a stream (see Server).
//     When the In sequences read it, the body gate buffers it (bounded by
//     limits.max_body_bytes and the Budget); otherwise the stream goes to
//     the backend as it arrives (fasthttp writes it with the client's
//     Content-Length, or chunked, counted by limitedBody).
//   - response: the HostClient leaves the backend's body on the connection
//     (Response.StreamBody). A declared Content-Length over
//     limits.max_response_body_bytes is refused (502) before any of it is
//     sent; one of at most preReadMax is read at once. When no Out
//     sequence reads a longer (or chunked) answer, the server copies it to
//     the client as the client reads it, so a slow client holds a
//     connection, not the answer; a chunked answer then streams whatever
//     its length (it is never in memory), bounded by timeouts.backend.
//     When an Out sequence reads it, the body gate buffers it (bounded by
//     the limit and the Budget) and its budget share is held until the
//     client has it (mediation.HoldAnswerBudget).
//
// Anything else that reads a streamed body later (an error sequence, a
// messageType conversion) goes through the body gate and is bounded the
// same way.

// streamResponse reports whether the backend's answer is left on the
// connection for the gateway to read (Response.StreamBody): always, for
// ordinary traffic. An answer no Out sequence reads then goes to the
// client as the client reads it; one an Out sequence reads is buffered by
// the body gate, into a buffer of its own whose budget share is held
// until the client has it (holdAnswer). A trace or a dry-run records the
// answer, and keeps fasthttp's buffering.
func streamResponse(ex *handlers.Exchange) bool {
	mc := ex.MC
	return mc.Trace == nil && mc.Backend == nil
}

// holdMin is the smallest buffered answer whose budget share is held until
// it is written (mediation.HoldAnswerBudget); smaller ones are released
// when the handler returns.
const holdMin = 64 << 10

// limitRequestStream wraps a request stream about to go to the backend:
// a chunked one fails past limits.max_body_bytes (one with a
// Content-Length was checked in guard and is read to exactly that length),
// and either records a read error of the client's (a bad chunk, a body
// not sent in time), so the gateway answers the client's fault (400, 408,
// 413) rather than a backend error. It returns nil when the body is not a
// stream. A small body with a declared length is not streamed at all
// (smallBody); when reading it failed, the returned limitedBody holds the
// error and the backend must not be called.
func limitRequestStream(mc *mediation.MessageContext) *limitedBody {
	s := mc.Req.BodyStream()
	if s == nil {
		return nil
	}
	cl := mc.Req.Header.ContentLength()
	if cl >= 0 && cl <= smallBodyMax {
		return smallBody(mc, s, cl)
	}
	lim := &limitedBody{r: s, left: int64(mc.Limits.MaxBodyBytes), hdr: &mc.Req.Header}
	if lim.left <= 0 {
		lim.left = int64(mediation.DefaultMaxBodyBytes)
	}
	// the server keeps ownership of its stream (it drains what is left
	// after the handler): replacing it here does not release it
	mc.Req.SetBodyStream(lim, cl)
	return lim
}

// smallBodyMax is the largest declared request body sent to the backend
// as bytes rather than as a stream. fasthttp reads up to 8 KiB of a body
// with the headers (StreamRequestBody), so such a body is already in
// memory: copying it out of the stream costs a memmove, where streaming it
// costs the stream wrapper, fasthttp's stream writer and its copy loop on
// every request. Longer bodies, and chunked ones, stream as before.
const smallBodyMax = 8 << 10

// smallBody reads a request body of declared length cl (at most
// smallBodyMax) whole and makes it the request's body. A read error is the
// client's (it closed, or did not send the body within timeouts.read): it
// is returned in a limitedBody for clientFault, and nothing is sent.
func smallBody(mc *mediation.MessageContext, s io.Reader, cl int) *limitedBody {
	bp := preReadBufs.Get().(*[]byte)
	defer preReadBufs.Put(bp)
	if cap(*bp) < cl {
		*bp = make([]byte, cl)
	}
	buf := (*bp)[:cl]
	if _, err := io.ReadFull(s, buf); err != nil {
		return &limitedBody{err: err}
	}
	mc.Req.SetBody(buf) // copies; the server still owns (and drains) its stream, now at its end
	return nil
}

// errBodyOverLimit ends a streamed request body past the limit.
var errBodyOverLimit = errors.New("request body over limits.max_body_bytes")

// limitedBody is a request stream that fails once more than left bytes
// came through; over records that it did, err the client's own read error.
type limitedBody struct {
	r    io.Reader
	left int64
	over bool
	err  error
	hdr  *fasthttp.RequestHeader // whose trailers are dropped at the end
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, errBodyOverLimit
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		l.over = true
		return 0, errBodyOverLimit
	}
	if err == io.EOF && l.hdr != nil {
		// the trailers were parsed as the stream ended: never forwarded
		// (mediation/trailers.go); the backend client writes them after
		// this last read
		mediation.DropTrailers(l.hdr)
	}
	if err != nil && err != io.EOF {
		l.err = err
	}
	return n, err
}

// clientFault answers a backend call that failed because the client's
// streamed body did (over the limit, bad chunked framing, too slow), as
// the server answers such bodies when it reads them itself; false when the
// body was fine.
func clientFault(mc *mediation.MessageContext, lim *limitedBody) bool {
	if lim == nil || (!lim.over && lim.err == nil) {
		return false
	}
	status, code, msg, desc := fasthttp.StatusBadRequest, "400", "Bad request",
		"the request body is not valid HTTP/1.1 (malformed chunk or framing)"
	switch {
	case lim.over:
		status, code, msg, desc = fasthttp.StatusRequestEntityTooLarge, "413", "Request entity too large",
			"the body is over limits.max_body_bytes"
	case isTimeout(lim.err):
		status, code, msg, desc = fasthttp.StatusRequestTimeout, "408", "Request timeout",
			"the request was not received within timeouts.read"
	}
	mc.Resp.Reset()
	handlers.WriteError(mc, status, code, msg, desc)
	mc.Resp.SetConnectionClose()
	return true
}

// preReadMax is the largest declared answer length read at once, inside
// the backend call, when the answer streams: a backend that stalls or
// closes in the middle of a small answer is then still a 504 or 502, as
// for a buffered one (and the connection goes back to the pool at once).
// Longer answers, and chunked ones, stream to the client as they come.
const preReadMax = 1 << 20

var preReadBufs = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// settleAnswer checks a streamed answer: its declared length must be
// within limits.max_response_body_bytes (a 502 before any of it is sent,
// as the HostClient refuses a buffered one); a short one is read now
// (preReadMax). It returns the error for backendError, nil when the
// answer may go on.
func settleAnswer(mc *mediation.MessageContext, name string) error {
	s := mc.Resp.BodyStream()
	if s == nil {
		return nil
	}
	max := mc.Limits.MaxResponseBodyBytes
	if max <= 0 {
		max = mediation.DefaultMaxResponseBodyBytes
	}
	cl := mc.Resp.Header.ContentLength()
	if cl > max {
		return &endpoint.Error{Code: endpoint.CodeReceiveFailed, Endpoint: name, Msg: "response too large"}
	}
	if cl < 0 || cl > preReadMax {
		return nil
	}
	if err := mc.Reserve(cl); err != nil {
		return err
	}
	bp := preReadBufs.Get().(*[]byte)
	defer preReadBufs.Put(bp)
	if cap(*bp) < cl {
		*bp = make([]byte, cl)
	}
	buf := (*bp)[:cl]
	if _, err := io.ReadFull(s, buf); err != nil {
		return endpoint.Failure(name, err) // backendError's Reset closes the stream
	}
	mc.Resp.SetBody(buf) // copies; closes the fully read stream: the connection is reused
	return nil
}

// budgetFault answers 503 when buffering an answer would have taken the
// process over limits.max_buffered_bytes; false for any other error.
func budgetFault(mc *mediation.MessageContext, err error) bool {
	if !errors.Is(err, mediation.ErrBodyBudget) {
		return false
	}
	mc.Resp.Reset()
	handlers.WriteError(mc, fasthttp.StatusServiceUnavailable, "503", "Service unavailable",
		"the gateway's buffered bodies are at limits.max_buffered_bytes")
	return true
}
