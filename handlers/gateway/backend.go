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
}

// BackendOptions tune every backend client.
type BackendOptions struct {
	Timeout         time.Duration // whole call
	MaxResponseBody int
	TLS             *tls.Config // for https backends; nil: system roots
}

// NewBackends builds the endpoints for every API the router knows. It also
// sets the process-wide endpoint defaults (timeout, response size), which
// endpoints in sequences use when they configure none.
func NewBackends(apis []*route.API, o BackendOptions) (*Backends, error) {
	endpoint.SetDefaults(endpoint.Defaults{Timeout: o.Timeout, MaxResponseBody: o.MaxResponseBody, TLS: o.TLS})
	bs := &Backends{byAPI: make(map[*route.API]mediation.Endpoint, len(apis))}
	for _, api := range apis {
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
