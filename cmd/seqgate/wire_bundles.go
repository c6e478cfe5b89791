package main

import (
	"github.com/seqgate/seqgate/deploy/bundle"
	"github.com/seqgate/seqgate/deploy/config"
)

// bundleState is the extension bundle manager, fixed at start: its folder
// (<repository>/bundles), node, group and Redis follow the config the
// process started with.
type bundleState struct {
	m *bundle.Manager
}

// startBundles builds the bundle manager and starts its drop folder
// poller and, with Redis, its cluster follower.
func (s *server) startBundles(cfg *config.Config) error {
	m, err := bundle.New(bundle.Options{
		Root: cfg.Repository, Node: cfg.Cluster.Node, Group: cfg.Cluster.Group,
		Tenants: s.bundleTenants, Logger: s.log.Named("bundles"),
		Redis: s.redis, Prefix: cfg.Redis.KeyPrefix,
	})
	if err != nil {
		return err
	}
	s.bundles.m = m
	m.Start()
	return nil
}

// bundleTenants are the tenants the repository serves now, with the
// folders a bundle's entries are written to.
func (s *server) bundleTenants() map[string]bundle.Folders {
	out := map[string]bundle.Folders{}
	for _, t := range s.repo.Status() {
		out[t.Domain] = bundle.Folders{Sequences: t.Dir, Endpoints: t.EndpointsDir}
	}
	return out
}

// stopBundles stops the poller and the follower (before redis closes).
func (s *server) stopBundles() {
	if s.bundles.m != nil {
		s.bundles.m.Close()
	}
}
