package gateway

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/internal/deadline"
)

// ServerOptions bound what one client may send and how long it may take.
// Zero fields take the config package's defaults, so every limit holds even
// when a caller sets only some of them.
type ServerOptions struct {
	MaxBodyBytes        int
	MaxURIBytes         int  // request target; 414 beyond
	MaxHeaderBytes      int  // header block without the request line; 431 beyond
	MaxHeaders          int  // header lines; 431 beyond
	MaxConns            int  // open client connections; 503 beyond
	AllowEncodedSlashes bool // %2F and %5C in paths; 400 when false
	// HeaderReadTimeout bounds the request line and headers: from the
	// connection's opening (first request) or first byte (keep-alive).
	HeaderReadTimeout time.Duration
	ReadTimeout       time.Duration // the body, from the end of the headers
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
}

// ServerOptionsFrom maps a validated config onto ServerOptions.
func ServerOptionsFrom(c *config.Config) ServerOptions {
	l, t := c.Limits, c.Timeouts
	return ServerOptions{
		MaxBodyBytes: l.MaxBodyBytes, MaxURIBytes: l.MaxURIBytes, MaxHeaderBytes: l.MaxHeaderBytes,
		MaxHeaders: l.MaxHeaders, MaxConns: l.MaxConns, AllowEncodedSlashes: l.AllowEncodedSlashes,
		HeaderReadTimeout: t.HeaderRead.D(), ReadTimeout: t.Read.D(), WriteTimeout: t.Write.D(), IdleTimeout: t.Idle.D(),
	}
}

// withDefaults fills zero fields from the config defaults.
func (o ServerOptions) withDefaults() ServerOptions {
	def := func(p *int, v int) {
		if *p <= 0 {
			*p = v
		}
	}
	defD := func(p *time.Duration, v config.Duration) {
		if *p <= 0 {
			*p = v.D()
		}
	}
	def(&o.MaxBodyBytes, config.DefaultMaxBodyBytes)
	def(&o.MaxURIBytes, config.DefaultMaxURIBytes)
	def(&o.MaxHeaderBytes, config.DefaultMaxHeaderBytes)
	def(&o.MaxHeaders, config.DefaultMaxHeaders)
	def(&o.MaxConns, config.DefaultMaxConns)
	defD(&o.HeaderReadTimeout, config.DefaultHeaderReadTimeout)
	defD(&o.ReadTimeout, config.DefaultReadTimeout)
	defD(&o.WriteTimeout, config.DefaultWriteTimeout)
	defD(&o.IdleTimeout, config.DefaultIdleTimeout)
	return o
}

// Server returns the fasthttp server for the traffic listener.
//
// fasthttp's ReadTimeout runs from a connection's opening (or a keep-alive
// request's first byte) over headers and body alike; it is set to the
// header timeout, and HeaderReceived re-arms the deadline with the body
// timeout once the headers are in. A slowloris client therefore gets
// HeaderReadTimeout, not the longer body allowance.
//
// The read buffer holds the whole request line and header block: a request
// that does not fit is refused by fasthttp (431, see serverError); one that
// fits is checked by guard before routing (414, 431, 400).
func (g *Gateway) Server(o ServerOptions) *fasthttp.Server {
	o = o.withDefaults()
	body := fasthttp.RequestConfig{ReadTimeout: o.ReadTimeout}
	return &fasthttp.Server{
		Handler:                       g.guard(o),
		HeaderReceived:                func(h *fasthttp.RequestHeader) fasthttp.RequestConfig { return bodyConfig(h, body) },
		Name:                          "seqgate",
		Concurrency:                   o.MaxConns,
		ReadBufferSize:                o.MaxURIBytes + o.MaxHeaderBytes + requestLineSlack,
		MaxRequestBodySize:            o.MaxBodyBytes,
		StreamRequestBody:             true, // see streamRequestBody
		ReadTimeout:                   o.HeaderReadTimeout,
		WriteTimeout:                  o.WriteTimeout,
		IdleTimeout:                   o.IdleTimeout,
		DisablePreParseMultipartForm:  true,
		NoDefaultContentType:          true,
		DisableHeaderNamesNormalizing: false,
		SecureErrorLogMessage:         true, // never copy request bytes (credentials) into errors and logs
		CloseOnShutdown:               true,
		Logger:                        zapPrintf{g.opts.Logger},
		ErrorHandler:                  g.serverError,
	}
}

// Listener wraps a traffic listener (plain, or under tls.NewListener) so
// that the deadlines Server moves on every request (idle, header, body,
// write: four timer updates per POST, three per GET) are armed lazily
// (internal/deadline): each still holds exactly as set, but a busy
// keep-alive connection re-arms about once per timeout period.
func Listener(ln net.Listener) net.Listener { return deadline.Listener(ln) }

// With StreamRequestBody, fasthttp reads at most 8 KiB of a body before
// the handler runs and leaves the rest on the connection as
// Request.BodyStream; MaxRequestBodySize then no longer refuses anything.
// So limits.max_body_bytes is enforced by the gateway itself: a declared
// Content-Length over it gets 413 in guard, before routing; a chunked body
// is counted as it is read, by the body gate when a sequence reads it
// (mediation.LoadBody, 413) and by limitedBody when it streams to the
// backend (413). A body no sequence reads is never held whole.

// bodyConfig re-arms the read deadline with the body timeout, but only for
// a request that has a body: each deadline is a runtime timer update, and
// a GET would pay one for a body it never reads (its header deadline
// stays armed until the next request's idle deadline replaces it).
func bodyConfig(h *fasthttp.RequestHeader, body fasthttp.RequestConfig) fasthttp.RequestConfig {
	if h.ContentLength() == 0 {
		return fasthttp.RequestConfig{}
	}
	return body
}

// requestLineSlack is room for the method, the protocol and line ends
// beside the URI in the read buffer.
const requestLineSlack = 64

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
