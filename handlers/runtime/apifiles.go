package runtime

import (
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/deploy/config"
)

// API Manager's api files (each tenant's synapse-configs/default/api,
// deployed by the repository) join the config's own APIs whenever the
// generation is built: at start, on a config reload, and when the repository
// signals that a tenant's list of APIs changed. A file the config cannot
// serve (its context is taken) is logged as refused; the rest serve.

// withFileAPIs is cfg plus the api files the repository serves now.
func withFileAPIs(cfg *config.Config, repo *deploy.Repository, log *zap.Logger) *config.Config {
	if repo == nil {
		return cfg
	}
	eff, refused := cfg.WithFileAPIs(repo.AllAPIs())
	byPath := make(map[string]string, len(refused))
	for _, r := range refused {
		log.Error("api refused", zap.String("tenant", r.Tenant), zap.String("file", r.File), zap.Error(r))
		byPath[r.File] = r.Error()
	}
	repo.SetAPIRefusals(byPath) // shown in /admin/sequences as the file's state
	return eff
}

// watchAPIFiles builds a new generation now (the repository has just loaded)
// and whenever the repository signals a changed list of APIs. The signal
// only wakes a goroutine: it may come from inside a config reload, which
// holds the lock the rebuild takes. Close stops the goroutine and waits for
// it (stopAPIFiles), so no rebuild runs on a closed runtime.
func (rt *Runtime) watchAPIFiles() {
	wake := make(chan struct{}, 1)
	rt.repo.OnAPIsChanged(func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	})
	rt.rebuildForAPIs()
	rt.apiFiles.stop, rt.apiFiles.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(rt.apiFiles.done)
		for {
			select {
			case <-wake:
				rt.rebuildForAPIs()
			case <-rt.apiFiles.stop:
				return
			}
		}
	}()
}

// apiFilesWatch is the goroutine of watchAPIFiles; zero before Start.
type apiFilesWatch struct {
	stop, done chan struct{}
}

// stopAPIFiles ends the goroutine of watchAPIFiles (Close).
func (rt *Runtime) stopAPIFiles() {
	if rt.apiFiles.stop != nil {
		close(rt.apiFiles.stop)
		<-rt.apiFiles.done
	}
}

// rebuildForAPIs builds the gateway of the running config with the api
// files deployed now and swaps it in; a failure keeps the running one.
func (rt *Runtime) rebuildForAPIs() {
	rt.reloads.mu.Lock()
	defer rt.reloads.mu.Unlock()
	gw, err := rt.newGateway(rt.cfg.Load())
	if err != nil {
		rt.log.Error("api files: the gateway with the changed apis does not build; the running one stays", zap.Error(err))
		return
	}
	rt.swap(gw)
	rt.log.Info("gateway rebuilt for the changed api files")
}
