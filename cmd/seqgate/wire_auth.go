package main

import (
	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
)

// newAuth builds the auth handler of a config generation.
func (s *server) newAuth(cfg *config.Config) (handlers.Handler, error) {
	return handlers.NewAuth(cfg)
}
