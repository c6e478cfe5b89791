package gateway

import (
	"net"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/deadline"
)

// ServerOptions bound what one client may send and how long it may take.
// Zero fields take the config package's defaults, so every limit holds even
// when a caller sets only some of them.
type ServerOptions struct {
	// Limits are the config's limits as they are (deploy/config/limits.go
	// is their table): the listener enforces max_body_bytes, max_uri_bytes
	// (414), max_header_bytes and max_headers (431), max_conns (503) and
	// allow_encoded_slashes (400); a new listener limit is a config field,
	// its table row and its check in guard.go, with no mapping here.
	config.Limits
	// HeaderReadTimeout bounds the request line and headers: from the
	// connection's opening (first request) or first byte (keep-alive).
	HeaderReadTimeout time.Duration
	ReadTimeout       time.Duration // the body, from the end of the headers
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
}

// ServerOptionsFrom maps a validated config onto ServerOptions.
func ServerOptionsFrom(c *config.Config) ServerOptions {
	t := c.Timeouts
	return ServerOptions{Limits: c.Limits,
		HeaderReadTimeout: t.HeaderRead.D(), ReadTimeout: t.Read.D(), WriteTimeout: t.Write.D(), IdleTimeout: t.Idle.D(),
	}
}

// withDefaults fills zero (or negative) numbers and empty strings from the
// config defaults, mapped as ServerOptionsFrom maps a real config, so a
// field added there needs no default of its own here.
func (o ServerOptions) withDefaults() ServerOptions {
	fillZero(reflect.ValueOf(&o).Elem(), reflect.ValueOf(ServerOptionsFrom(config.Defaults())))
	return o
}

func fillZero(v, def reflect.Value) {
	for i := range v.NumField() {
		switch f := v.Field(i); {
		case f.Kind() == reflect.Struct:
			fillZero(f, def.Field(i))
		case f.CanInt() && f.Int() <= 0, f.Kind() == reflect.String && f.String() == "":
			f.Set(def.Field(i))
		}
	}
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
// that does not fit is refused by fasthttp (431, see serverError in
// guard.go); one that fits is checked by guarded before routing (414, 431,
// 400).
func (g *Gateway) Server(o ServerOptions) *fasthttp.Server {
	o = o.withDefaults()
	body := fasthttp.RequestConfig{ReadTimeout: o.ReadTimeout}
	return &fasthttp.Server{
		Handler:                       guarded(o, g.Handle),
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

// guarded is the listener's request handler: it checks, before routing,
// what fasthttp parsed but does not limit (checkRequest, guard.go: URI
// length, header count and size, framing headers that disagree, paths that
// could mean something else to a backend; it allocates nothing), then runs
// next (Gateway.Handle or Switch.Handle).
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

// Listener wraps a traffic listener (plain, or under tls.NewListener) so
// that the deadlines Server moves on every request (idle, header, body,
// write: four timer updates per POST, three per GET) are armed lazily
// (mediation/deadline): each still holds exactly as set, but a busy
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

// Switch serves traffic through the current Gateway and lets a config
// reload replace it: the new router, handler chain and backends are built
// aside, validated, and published with one atomic store. Each request loads
// the pointer once, so it runs start to end on one complete Gateway; those
// in flight finish on the one they started with.
type Switch struct {
	cur atomic.Pointer[Gateway]
}

// NewSwitch starts serving g.
func NewSwitch(g *Gateway) *Switch {
	s := &Switch{}
	s.cur.Store(g)
	return s
}

// Load returns the Gateway serving now.
func (s *Switch) Load() *Gateway { return s.cur.Load() }

// Store publishes g for every request that starts from now on.
func (s *Switch) Store(g *Gateway) { s.cur.Store(g) }

// Handle is the fasthttp request handler.
func (s *Switch) Handle(ctx *fasthttp.RequestCtx) { s.cur.Load().Handle(ctx) }

// Server is Gateway.Server for the switch: the listener's limits and
// timeouts are fixed when it is built (a reload cannot change them); the
// request handler follows the current Gateway.
func (s *Switch) Server(o ServerOptions) *fasthttp.Server {
	o = o.withDefaults()
	srv := s.cur.Load().Server(o)
	srv.Handler = guarded(o, s.Handle)
	return srv
}
