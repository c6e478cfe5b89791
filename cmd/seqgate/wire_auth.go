package main

import (
	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/authn"
)

// authnRegistry is the process's JWKS fetchers and introspection caches,
// made on first use and kept across config generations.
func (s *server) authnRegistry() *authn.Registry {
	if s.authn == nil {
		s.authn = authn.NewRegistry(s.log)
	}
	return s.authn
}

// retainAuthn runs after a generation's auth is built (gateway.Assemble
// asks the registry for what its config names, reusing running entries):
// the entries neither it nor the config still serving names are stopped.
func (s *server) retainAuthn(cfg *config.Config) {
	var running *config.Security
	if cur := s.cfg.Load(); cur != nil {
		running = &cur.Security
	}
	s.authnRegistry().Retain(&cfg.Security, running)
}
