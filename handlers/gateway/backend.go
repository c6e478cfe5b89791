package gateway

import (
	"crypto/tls"
	"fmt"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/endpoint"
)

// Backends holds each API's backend as a Synapse endpoint, built at start:
// one backend URL is an address endpoint, several are a loadbalance
// (round-robin) over address endpoints. So API backends, <send> and <call>
// share one client pool per host, the same timeouts and the same error
// codes. Backends never suspend (API-M's publisher default: initial
// suspension 0), so a failure is reported and the next request tries again.
type Backends struct {
	byAPI map[*route.API]mediation.Endpoint
	// sandbox holds the sandbox_backend of the APIs that declare one: where
	// requests with a SANDBOX credential go (AM_KEY_TYPE).
	sandbox map[*route.API]mediation.Endpoint
	pool    *endpoint.Pool
}

// BackendOptions tune every backend client.
type BackendOptions struct {
	Timeout         time.Duration // whole call
	MaxResponseBody int
	TLS             *tls.Config // for https backends; nil: system roots
	MaxHosts        int         // clients kept; 0: endpoint.DefaultMaxHosts
	// Prev is the running generation's pool: its clients are carried over
	// when the settings above leave them valid (endpoint.NewPool).
	Prev *endpoint.Pool
}

// NewBackends builds the endpoints for every API the router knows, and the
// generation's client pool (timeout, response size, TLS), which endpoints
// in sequences use too when they configure none: every request carries it
// (mc.Clients). Nothing process-wide changes, so a config refused after
// this step leaves the running gateway as it was.
func NewBackends(apis []*route.API, o BackendOptions) (*Backends, error) {
	pool := endpoint.NewPool(endpoint.Defaults{Timeout: o.Timeout, MaxResponseBody: o.MaxResponseBody, TLS: o.TLS,
		MaxHosts: o.MaxHosts}, o.Prev)
	bs := &Backends{byAPI: make(map[*route.API]mediation.Endpoint, len(apis)),
		sandbox: map[*route.API]mediation.Endpoint{}, pool: pool}
	for _, api := range apis {
		if len(api.Cfg.SandboxBackend) > 0 {
			ep, err := backendEndpoint(api.Name+" (sandbox)", api.Cfg.SandboxBackend)
			if err != nil {
				return nil, fmt.Errorf("api %s: sandbox_backend: %w", api.Name, err)
			}
			bs.sandbox[api] = ep
		}
		if len(api.Cfg.Backend) == 0 {
			continue
		}
		ep, err := backendEndpoint(api.Name, api.Cfg.Backend)
		if err != nil {
			return nil, fmt.Errorf("api %s: %w", api.Name, err)
		}
		bs.byAPI[api] = ep
	}
	return bs, nil
}

// backendEndpoint compiles the API's URLs through the endpoint compiler,
// so they are checked exactly as an <endpoint> in a sequence would be.
func backendEndpoint(name string, urls []string) (mediation.Endpoint, error) {
	root := etree.NewElement("endpoint")
	root.CreateAttr("name", name)
	parent := root
	if len(urls) > 1 {
		parent = root.CreateElement("loadbalance")
	}
	for _, u := range urls {
		ep := parent
		if len(urls) > 1 {
			ep = parent.CreateElement("endpoint")
		}
		ep.CreateElement("address").CreateAttr("uri", strings.TrimSpace(u))
	}
	c := &mediation.Compiler{File: "backend of api " + name}
	ep, _, err := endpoint.CompileWith(root, c, endpoint.Options{Suspension: &endpoint.NoSuspension})
	return ep, err
}

// For returns the backend of api (nil when it has none).
func (bs *Backends) For(api *route.API) mediation.Endpoint {
	if ep, ok := bs.byAPI[api]; ok {
		return ep
	}
	return nil
}

// ForKeyType returns the backend of api for a credential of the given key
// type: the sandbox backend for a sandbox one, else the production one.
// missing is true when the API has a backend, but none for that key type
// (the request gets the key type's error sequence); an API with no
// backend at all (its sequences choose the endpoint) returns nil, false.
func (bs *Backends) ForKeyType(api *route.API, sandbox bool) (ep mediation.Endpoint, missing bool) {
	prod, sb := bs.byAPI[api], bs.sandbox[api]
	if sandbox {
		return sb, sb == nil && prod != nil
	}
	return prod, prod == nil && sb != nil
}

// Pool is the generation's backend client pool.
func (bs *Backends) Pool() *endpoint.Pool { return bs.pool }

// Clients is this gateway's backend client pool (nil without backends):
// the next generation carries its clients over (Deps.Clients), then
// retires it.
func (g *Gateway) Clients() *endpoint.Pool {
	if g == nil || g.opts.Backends == nil {
		return nil
	}
	return g.opts.Backends.pool
}
