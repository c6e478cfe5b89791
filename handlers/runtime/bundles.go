package runtime

import (
	"github.com/seqgate/seqgate/deploy/bundle"
	"github.com/seqgate/seqgate/deploy/config"
)

// startBundles builds the extension bundle manager, fixed at start: its
// folder (<repository>/bundles), node, group and Redis follow the config
// the process started with. It starts its drop folder
// poller and, with Redis, its cluster follower.
func (rt *Runtime) startBundles(cfg *config.Config) error {
	m, err := bundle.New(bundle.Options{
		Root: cfg.Repository, Node: cfg.Cluster.Node, Group: cfg.Cluster.Group,
		Tenants: rt.bundleTenants, Logger: rt.log.Named("bundles"),
		Redis: rt.redis, Prefix: cfg.Redis.KeyPrefix,
	})
	if err != nil {
		return err
	}
	rt.bundles = m
	m.Start()
	return nil
}

// bundleTenants are the tenants the repository serves now, with the
// folders a bundle's entries are written to.
func (rt *Runtime) bundleTenants() map[string]bundle.Folders {
	out := map[string]bundle.Folders{}
	for _, t := range rt.repo.Status() {
		out[t.Domain] = bundle.Folders{Sequences: t.Dir, Endpoints: t.EndpointsDir}
	}
	return out
}

// stopBundles stops the poller and the follower (before redis closes).
func (rt *Runtime) stopBundles() {
	if rt.bundles != nil {
		rt.bundles.Close()
	}
}
