package main

import (
	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
)

// newUsage builds the usage handler of a config generation.
func (s *server) newUsage(cfg *config.Config) (handlers.Handler, error) {
	return handlers.NewUsage(cfg, s.log, s.reg)
}
