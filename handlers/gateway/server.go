package gateway

import (
	"time"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"
)

// ServerOptions bound what one client may send and how long it may take.
type ServerOptions struct {
	MaxBodyBytes int
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	IdleTimeout  time.Duration
}

// Server returns the fasthttp server for the traffic listener. fasthttp
// answers 413 itself for bodies over MaxRequestBodySize, and 400 for
// malformed requests, before Handle runs.
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
	}
}

// zapPrintf adapts zap to fasthttp's Printf logger.
type zapPrintf struct{ l *zap.Logger }

func (z zapPrintf) Printf(format string, args ...any) {
	z.l.Sugar().Warnf(format, args...)
}
