package gateway

import (
	"errors"
	"net"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/handlers"
)

// ServerOptions bound what one client may send and how long it may take.
type ServerOptions struct {
	MaxBodyBytes int
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	IdleTimeout  time.Duration
}

// Server returns the fasthttp server for the traffic listener. Requests
// fasthttp refuses before Handle runs (body over MaxRequestBodySize,
// oversized headers, malformed requests) are answered by serverError.
func (g *Gateway) Server(o ServerOptions) *fasthttp.Server {
	return &fasthttp.Server{
		Handler:                       g.Handle,
		Name:                          "seqgate",
		MaxRequestBodySize:            o.MaxBodyBytes,
		ReadTimeout:                   o.ReadTimeout,
		WriteTimeout:                  o.WriteTimeout,
		IdleTimeout:                   o.IdleTimeout,
		DisablePreParseMultipartForm:  true,
		NoDefaultContentType:          true,
		DisableHeaderNamesNormalizing: false,
		CloseOnShutdown:               true,
		Logger:                        zapPrintf{g.opts.Logger},
		ErrorHandler:                  serverError,
	}
}

// serverError answers requests fasthttp could not read, with the same JSON
// error shape as every other gateway error. fasthttp's default handler
// answers 400 for a body over the limit; a client deserves 413 there.
func serverError(ctx *fasthttp.RequestCtx, err error) {
	var small *fasthttp.ErrSmallBuffer
	status, msg := fasthttp.StatusBadRequest, "Bad request"
	switch {
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		status, msg = fasthttp.StatusRequestEntityTooLarge, "Request entity too large"
	case errors.As(err, &small):
		status, msg = fasthttp.StatusRequestHeaderFieldsTooLarge, "Request header fields too large"
	case isTimeout(err):
		status, msg = fasthttp.StatusRequestTimeout, "Request timeout"
	}
	handlers.WriteErrorResponse(&ctx.Response, status, strconv.Itoa(status), msg, err.Error())
	ctx.SetConnectionClose()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// zapPrintf adapts zap to fasthttp's Printf logger.
type zapPrintf struct{ l *zap.Logger }

func (z zapPrintf) Printf(format string, args ...any) {
	z.l.Sugar().Warnf(format, args...)
}
