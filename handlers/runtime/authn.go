package runtime

import (
	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/authn"
)

// authnRegistry is the process's JWKS fetchers and introspection caches,
// made on first use and kept across config generations.
func (rt *Runtime) authnRegistry() *authn.Registry {
	if rt.authn == nil {
		rt.authn = authn.NewRegistry(rt.log)
	}
	return rt.authn
}

// retainAuthn runs after a generation's auth is built (gateway.Assemble
// asks the registry for what its config names, reusing running entries):
// the entries neither it nor the config still serving names are stopped.
func (rt *Runtime) retainAuthn(cfg *config.Config) {
	var running *config.Security
	if cur := rt.cfg.Load(); cur != nil {
		running = &cur.Security
	}
	rt.authnRegistry().Retain(&cfg.Security, running)
}
