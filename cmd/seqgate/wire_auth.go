package main

import (
	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/authn"
)

// newAuth builds the auth handler of a config generation. The JWKS
// fetchers and introspection caches live in s.authn across generations:
// this one asks for those its config names (reusing running ones), then
// those neither it nor the config still serving names are stopped.
func (s *server) newAuth(cfg *config.Config) (handlers.Handler, error) {
	if s.authn == nil {
		s.authn = authn.NewRegistry(s.log)
	}
	set, err := authn.New(cfg, s.authn)
	if err != nil {
		return nil, err
	}
	var running *config.Security
	if cur := s.cfg.Load(); cur != nil {
		running = &cur.Security
	}
	s.authn.Retain(&cfg.Security, running)
	return handlers.NewAuthWith(cfg, set)
}
