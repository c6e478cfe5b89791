package main

import (
	"errors"
	"reflect"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/gateway"
)

// reloadState is what the admin API shows about config reloads.
type reloadState struct {
	mu          sync.Mutex // also serializes reloads
	generation  int
	loadedAt    time.Time
	lastAttempt time.Time
	lastError   string
}

func (r *reloadState) loaded(at time.Time) {
	r.generation++
	r.loadedAt, r.lastAttempt, r.lastError = at, at, ""
}

// reload reads the config file again and, when it is valid in full and its
// runtime builds, swaps it in: APIs, applications, tiers, tenants, limits
// on payloads, TLS certificates. A bad config leaves everything as it was
// and is logged as file:line: problem. Listener addresses and limits,
// the repository root, the admin token, backend TLS and logging are fixed
// at start: a change to them is logged and waits for a restart.
func (s *server) reload(reason string) error {
	if s.path == "" {
		return errNoConfigFile
	}
	s.reloads.mu.Lock()
	defer s.reloads.mu.Unlock()
	now := time.Now()
	s.reloads.lastAttempt = now
	cfg, err := config.LoadLocated(s.path)
	if err == nil {
		err = s.apply(cfg)
	}
	if err != nil {
		s.reloadCount.WithLabelValues("failed").Inc()
		s.reloads.lastError = err.Error()
		s.log.Error("config reload refused; the running config stays", zap.String("reason", reason),
			zap.String("file", s.path), zap.Error(err))
		return err
	}
	s.reloads.loaded(now)
	s.reloadCount.WithLabelValues("ok").Inc()
	s.log.Info("config reloaded", zap.String("reason", reason), zap.String("file", s.path),
		zap.Int("generation", s.reloads.generation), zap.Int("apis", len(cfg.APIs)),
		zap.Duration("took", time.Since(now)))
	return nil
}

// apply builds the runtime of cfg and publishes it. New tenants are loaded
// before the new router can send them traffic; removed ones are dropped
// after it stopped.
func (s *server) apply(cfg *config.Config) error {
	old := s.cfg.Load()
	gw, err := s.newGateway(cfg)
	if err != nil {
		return err
	}
	if err := s.repo.SetTenants(unionTenants(cfg.Tenants, old.Tenants)); err != nil {
		return err
	}
	s.warnFixed(old, cfg)
	s.useLibrary(cfg)
	prev := s.sw.Load()
	s.sw.Store(gw)
	prev.Clients().Retire(gw.Clients()) // idle connections of clients the new generation did not keep
	s.analyticsSwitched()
	if err := s.repo.SetTenants(cfg.Tenants); err != nil {
		s.log.Warn("removing tenants", zap.Error(err))
	}
	if s.certs != nil {
		s.certs.Update(cfg.TLS) // a pair that fails keeps its last good version; logged there
	}
	s.cfg.Store(cfg)
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
func (s *server) warnFixed(old, cur *config.Config) {
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
			s.log.Warn("config reload: this setting changes only on restart; the running value stays",
				zap.String("key", f.key))
		}
	}
}

var errNoConfigFile = errors.New("the gateway runs without a config file")
