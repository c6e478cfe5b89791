package main

import (
	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
)

// newThrottle builds the throttle handler of a config generation.
func (s *server) newThrottle(cfg *config.Config) (handlers.Handler, error) {
	return handlers.NewThrottle(cfg)
}
