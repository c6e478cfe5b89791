package runtime

import (
	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/gateway"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/mediation/endpoint"
)

// newGateway builds a generation: everything a config decides per request
// (router, handler chain, backends, payload limits: gateway.Assemble) on
// the parts this process keeps across generations: the repository, the
// metrics registry, the authn registry, the throttle store, the analytics
// publisher, the tracer, the debug hook. It runs at start, on every config
// reload and when the api files change.
func (rt *Runtime) newGateway(cfg *config.Config) (*gateway.Gateway, error) {
	cfg = withFileAPIs(cfg, rt.repo, rt.log) // API-M api files serve next to the config's APIs
	router, err := route.New(cfg)            // a bad router refuses the config before anything long-lived is built
	if err != nil {
		return nil, err
	}
	store, health, err := rt.throttleStore(cfg)
	if err != nil {
		return nil, err
	}
	pub, err := rt.publisher(cfg)
	if err != nil {
		return nil, err
	}
	tracer, err := rt.newTracer(cfg)
	if err != nil {
		return nil, err
	}
	gw, err := gateway.Assemble(cfg, gateway.Deps{
		Repo: rt.repo, Router: router, Logger: rt.log, Registry: rt.reg, Authn: rt.authnRegistry(),
		Throttle: store, ThrottleHealth: health, Publisher: pub, Tracer: tracer,
		Debug: rt.debugHook(), BackendTLS: rt.backendTLS, Clients: rt.runningClients(), AccessLog: rt.access,
		Faults: rt.faults,
	})
	rt.retainAuthn(cfg)
	return gw, err
}

// swap publishes gw as the running generation and retires the previous
// one: the idle connections of the backend clients gw did not keep close.
// Requests in flight finish on the generation they started on.
func (rt *Runtime) swap(gw *gateway.Gateway) {
	prev := rt.sw.Load()
	rt.sw.Store(gw)
	prev.Clients().Retire(gw.Clients())
}

// debugHook is the dry-run/trace hook as the gateway's interface: nil when
// there is none, so an untraced request costs one nil check.
func (rt *Runtime) debugHook() gateway.Debug {
	if rt.debug == nil {
		return nil
	}
	return rt.debug
}

// runningClients is the serving generation's backend client pool (nil at
// start): a new generation carries its clients over when their settings
// are unchanged, so a reload keeps backend connections.
func (rt *Runtime) runningClients() *endpoint.Pool {
	if rt.sw == nil {
		return nil
	}
	return rt.sw.Load().Clients()
}
