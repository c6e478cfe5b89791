package gateway

// What is refused before routing: requests the guard's checks refuse
// (checkRequest, run by guarded in server.go) and requests fasthttp could
// not read at all (serverError), with their log lines (errorClass: never
// the request's bytes).

import (
	"bytes"
	"errors"
	"net"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/mediation"
)

// checkRequest returns 0 or the status, message and description to refuse
// the request with.
func checkRequest(req *fasthttp.Request, o *ServerOptions) (int, string, string) {
	if req.Header.ContentLength() > o.MaxBodyBytes { // chunked bodies: see Server
		return fasthttp.StatusRequestEntityTooLarge, "Request entity too large", "the body is over limits.max_body_bytes"
	}
	if len(req.Header.RequestURI()) > o.MaxURIBytes {
		return fasthttp.StatusRequestURITooLong, "URI too long", "the request target is over limits.max_uri_bytes"
	}
	raw := req.Header.RawHeaders()
	tn, tsize := mediation.TrailerSize(req) // trailer fields count as headers (mediation/trailers.go)
	if len(raw)+tsize > o.MaxHeaderBytes {
		return fasthttp.StatusRequestHeaderFieldsTooLarge, "Request header fields too large", "the headers are over limits.max_header_bytes"
	}
	n, framing := scanHeaders(raw)
	if n+tn > o.MaxHeaders {
		return fasthttp.StatusRequestHeaderFieldsTooLarge, "Request header fields too large", "more header lines than limits.max_headers"
	}
	if framing == hasContentLength|hasTransferEncoding {
		// RFC 9112 §6.3 lets a server refuse this: a proxy in front that
		// reads Content-Length would see a different request boundary.
		return fasthttp.StatusBadRequest, "Bad request", "Content-Length and Transfer-Encoding together"
	}
	if why := badPath(req.URI().PathOriginal(), o.AllowEncodedSlashes); why != "" {
		return fasthttp.StatusBadRequest, "Bad request", why
	}
	return 0, "", ""
}

const (
	hasContentLength = 1 << iota
	hasTransferEncoding
)

// scanHeaders counts the header lines of a raw header block (as fasthttp
// kept it, ending with an empty line) and notes the framing headers.
func scanHeaders(raw []byte) (n, framing int) {
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\n')
		line := raw
		if i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' { // obsolete line folding: same header
			continue
		}
		n++
		switch name, _, _ := bytes.Cut(line, []byte{':'}); {
		case equalFoldASCII(name, "content-length"):
			framing |= hasContentLength
		case equalFoldASCII(name, "transfer-encoding"):
			framing |= hasTransferEncoding
		}
	}
	return n, framing
}

func equalFoldASCII(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i, c := range b {
		if c|0x20 != lower[i] && c != lower[i] {
			return false
		}
	}
	return true
}

// badPath explains why a raw request path is refused, or returns "".
// Routing never maps a path to a file, but backends may: an encoded slash
// or backslash, a control character or a dot segment hidden by encoding
// would reach them as a different path than the one that was routed.
func badPath(path []byte, allowEncodedSlashes bool) string {
	seg := 0 // decoded length of the current segment, or -1 once it is not all dots
	dots := 0
	for i := 0; i < len(path); {
		c, next := route.DecodeAt(path, i) // as the router decodes it
		encoded := next == i+3
		switch {
		case c < 0x20 || c == 0x7f:
			return "the path holds a control character"
		case c == '\\' && !encoded:
			return "the path holds a backslash"
		case encoded && (c == '/' || c == '\\') && !allowEncodedSlashes:
			return "the path holds an encoded slash or backslash (limits.allow_encoded_slashes)"
		}
		if c == '/' || c == '\\' {
			if seg > 0 && seg == dots && dots <= 2 {
				return "the path has a '.' or '..' segment, which is never routed"
			}
			seg, dots = 0, 0
		} else {
			seg++
			if c == '.' {
				dots++
			}
		}
		i = next
	}
	if seg > 0 && seg == dots && dots <= 2 {
		return "the path has a '.' or '..' segment, which is never routed"
	}
	return ""
}

// statusCode is the "code" field of a guard error: the status itself.
func statusCode(st int) string {
	switch st {
	case fasthttp.StatusRequestURITooLong:
		return "414"
	case fasthttp.StatusRequestHeaderFieldsTooLarge:
		return "431"
	case fasthttp.StatusRequestEntityTooLarge:
		return "413"
	}
	return "400"
}

// serverError answers requests fasthttp could not read, with the same JSON
// error shape as every other gateway error. The description is a fixed
// text per class: fasthttp's messages quote the request bytes, which may
// hold another header's credentials. Its class (errorClass) goes to the
// debug log, never the bytes.
func (g *Gateway) serverError(ctx *fasthttp.RequestCtx, err error) {
	var small *fasthttp.ErrSmallBuffer
	status, msg, desc := fasthttp.StatusBadRequest, "Bad request", "the request is not valid HTTP/1.1 (malformed request line, header, chunk or framing)"
	switch {
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		status, msg, desc = fasthttp.StatusRequestEntityTooLarge, "Request entity too large", "the body is over limits.max_body_bytes"
	case errors.As(err, &small):
		status, msg, desc = fasthttp.StatusRequestHeaderFieldsTooLarge, "Request header fields too large",
			"the request line and headers are over limits.max_uri_bytes + limits.max_header_bytes"
	case isTimeout(err):
		status, msg, desc = fasthttp.StatusRequestTimeout, "Request timeout", "the request was not received within timeouts.header_read or timeouts.read"
	}
	if g.opts.Logger != nil {
		g.opts.Logger.Debug("request refused before routing", zap.Int("status", status), zap.String("error", errorClass(err)))
	}
	handlers.WriteErrorResponse(&ctx.Response, status, strconv.Itoa(status), msg, desc)
	ctx.SetConnectionClose()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// zapPrintf adapts zap to fasthttp's Printf logger. fasthttp logs the
// errors of connections it could not serve, and several of them quote the
// request bytes ("malformed mime header: missing colon: \"Authorization
// Bearer <token>\"", "invalid header value \"<token with a control
// byte>\"") even with SecureErrorLogMessage: every error argument is
// therefore replaced by its fixed class (errorClass), never its text.
type zapPrintf struct{ l *zap.Logger }

func (z zapPrintf) Printf(format string, args ...any) {
	safe := make([]any, len(args))
	for i, a := range args {
		if err, ok := a.(error); ok {
			a = errorClass(err)
		}
		safe[i] = a
	}
	z.l.Sugar().Warnf(format, safe...)
}

// errorClasses map fragments of fasthttp's request-reading errors to a
// fixed description that holds no request bytes; the first match wins.
var errorClasses = []struct{ frag, class string }{
	{"malformed mime header", "malformed header line (bytes not logged)"},
	{"invalid header value", "invalid header value: control byte (bytes not logged)"},
	{"invalid header key", "invalid header name (bytes not logged)"},
	{"trailer", "invalid trailer (bytes not logged)"},
	{"request method", "invalid request method (bytes not logged)"},
	{"http version", "unsupported HTTP version (bytes not logged)"},
	{"request uri", "invalid request URI (bytes not logged)"},
	{"first line of request", "malformed request line (bytes not logged)"},
	{"small read buffer", "request line and headers over the read buffer"},
	{"body size exceeds", "body over limits.max_body_bytes"},
	{"timeout", "timeout"},
	{"connection reset", "connection reset by peer"},
	{"broken pipe", "broken pipe"},
	{"EOF", "connection closed by peer"},
}

// errorClass describes err by its class only: fasthttp's messages may
// quote request bytes, which may hold credentials.
func errorClass(err error) string {
	msg := err.Error()
	for _, c := range errorClasses {
		if strings.Contains(msg, c.frag) {
			return c.class
		}
	}
	if isTimeout(err) {
		return "timeout"
	}
	return "unreadable request (bytes not logged)"
}
