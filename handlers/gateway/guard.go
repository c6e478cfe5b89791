package gateway

import (
	"bytes"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/mediation"
)

// guard checks, before routing, what fasthttp parsed but does not limit:
// URI length, header count and size, framing headers that disagree, and
// paths that could mean something else to a backend. It allocates nothing.
func (g *Gateway) guard(o ServerOptions) fasthttp.RequestHandler { return guarded(o, g.Handle) }

// guarded runs the checks in front of next (a Gateway or a Switch).
func guarded(o ServerOptions, next fasthttp.RequestHandler) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		if st, msg, desc := checkRequest(&ctx.Request, &o); st != 0 {
			handlers.WriteErrorResponse(&ctx.Response, st, statusCode(st), msg, desc)
			ctx.SetConnectionClose()
			return
		}
		mediation.DropTrailers(&ctx.Request.Header) // see mediation/trailers.go
		next(ctx)
	}
}

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
