package runtime

import (
	"reflect"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/gateway"
)

// reloadState is what the admin API shows about config reloads.
type reloadState struct {
	mu          sync.Mutex // also serializes generation builds
	generation  int
	loadedAt    time.Time
	lastAttempt time.Time
	lastError   string
}

func (r *reloadState) loaded(at time.Time) {
	r.generation++
	r.loadedAt, r.lastAttempt, r.lastError = at, at, ""
}

// Status is what the admin API shows about config reloads.
type Status struct {
	Generation  int       // 1 at start, +1 per applied reload
	LoadedAt    time.Time // when the running config was applied
	LastAttempt time.Time // the last reload, applied or refused
	LastError   string    // why the last reload was refused; "" when it applied
}

// Status is the running generation's number and the last reload's outcome.
func (rt *Runtime) Status() Status {
	r := &rt.reloads
	r.mu.Lock()
	defer r.mu.Unlock()
	return Status{Generation: r.generation, LoadedAt: r.loadedAt, LastAttempt: r.lastAttempt, LastError: r.lastError}
}

// Reload reads the config file at path again and applies it (Apply).
// reason goes to the log line.
func (rt *Runtime) Reload(path, reason string) error {
	return rt.reload(reason, path, func() (*config.Config, error) { return config.LoadLocated(path) })
}

// Apply makes cfg the running config when it is valid in full and its
// generation builds: APIs, applications, tiers, tenants, limits on
// payloads, TLS certificates. A config that does not build leaves
// everything as it was; the error is logged, counted
// (seqgate_config_reloads_total{result="failed"}) and shown in Status.
// Listener addresses and limits, the repository root, the admin token,
// backend TLS, Redis, tracing and logging are fixed at start: a change to
// them is logged and waits for a restart.
func (rt *Runtime) Apply(cfg *config.Config, reason string) error {
	return rt.reload(reason, "", func() (*config.Config, error) { return cfg, nil })
}

func (rt *Runtime) reload(reason, file string, load func() (*config.Config, error)) error {
	rt.reloads.mu.Lock()
	defer rt.reloads.mu.Unlock()
	now := time.Now()
	rt.reloads.lastAttempt = now
	cfg, err := load()
	if err == nil {
		err = rt.apply(cfg)
	}
	if err != nil {
		rt.reloadCount.WithLabelValues("failed").Inc()
		rt.reloads.lastError = err.Error()
		rt.log.Error("config reload refused; the running config stays", zap.String("reason", reason),
			zap.String("file", file), zap.Error(err))
		return err
	}
	rt.reloads.loaded(now)
	rt.reloadCount.WithLabelValues("ok").Inc()
	rt.log.Info("config reloaded", zap.String("reason", reason), zap.String("file", file),
		zap.Int("generation", rt.reloads.generation), zap.Int("apis", len(cfg.APIs)),
		zap.Duration("took", time.Since(now)))
	return nil
}

// apply builds the generation of cfg and publishes it. New tenants are
// loaded before the new router can send them traffic; removed ones are
// dropped after it stopped.
func (rt *Runtime) apply(cfg *config.Config) error {
	old := rt.cfg.Load()
	gw, err := rt.newGateway(cfg)
	if err != nil {
		return err
	}
	if err := rt.repo.SetTenants(unionTenants(cfg.Tenants, old.Tenants)); err != nil {
		return err
	}
	rt.warnFixed(old, cfg)
	rt.useLibrary(cfg)
	rt.swap(gw)
	rt.analyticsSwitched()
	if err := rt.repo.SetTenants(cfg.Tenants); err != nil {
		rt.log.Warn("removing tenants", zap.Error(err))
	}
	if rt.certs != nil {
		rt.certs.Update(cfg.TLS) // a pair that fails keeps its last good version; logged there
	}
	rt.cfg.Store(cfg)
	return nil
}

// unionTenants is cur plus the tenants of prev that cur neither renames
// nor renumbers: what must be served while both routers may run.
func unionTenants(cur, prev []config.Tenant) []config.Tenant {
	out := append([]config.Tenant(nil), cur...)
	for _, p := range prev {
		clash := false
		for _, c := range cur {
			clash = clash || c.Domain == p.Domain || c.ID == p.ID
		}
		if !clash {
			out = append(out, p)
		}
	}
	return out
}

// warnFixed logs every setting a reload cannot change.
func (rt *Runtime) warnFixed(old, cur *config.Config) {
	fixed := []struct {
		key      string
		was, now any
	}{
		{"listen.http", old.Listen.HTTP, cur.Listen.HTTP},
		{"listen.https", old.Listen.HTTPS, cur.Listen.HTTPS},
		{"listen.admin", old.Listen.Admin, cur.Listen.Admin},
		{"listen.admin_token", old.Listen.AdminToken != cur.Listen.AdminToken, false},
		{"tls (HTTPS on or off)", old.TLS.Enabled(), cur.TLS.Enabled()},
		{"tls.backend", old.TLS.Backend, cur.TLS.Backend},
		{"repository", old.Repository, cur.Repository},
		{"limits and timeouts of the listeners", gateway.ServerOptionsFrom(old), gateway.ServerOptionsFrom(cur)},
		{"log", old.Log, cur.Log},
		{"access_log", old.AccessLog, cur.AccessLog},
		{"redis", old.Redis, cur.Redis},
		{"tracing", old.Tracing, cur.Tracing},
		{"cluster", old.Cluster, cur.Cluster},
	}
	for _, f := range fixed {
		if !reflect.DeepEqual(f.was, f.now) {
			rt.log.Warn("config reload: this setting changes only on restart; the running value stays",
				zap.String("key", f.key))
		}
	}
}
