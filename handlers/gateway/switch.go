package gateway

import (
	"sync/atomic"

	"github.com/valyala/fasthttp"
)

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
