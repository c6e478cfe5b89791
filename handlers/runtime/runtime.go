package runtime

import (
	"crypto/tls"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/deploy/bundle"
	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/accesslog"
	"github.com/seqgate/seqgate/handlers/analytics"
	"github.com/seqgate/seqgate/handlers/authn"
	"github.com/seqgate/seqgate/handlers/dryrun"
	"github.com/seqgate/seqgate/handlers/gateway"
)

// Options tune New.
type Options struct {
	// Bundles starts the extension bundle manager (its drop folder poller
	// and, with Redis, its cluster follower). `seqgate run` sets it;
	// `seqgate check` leaves it off: nothing is installed by a check.
	Bundles bool
	// Isolated keeps the gateway to the caller's own requests: no Redis
	// client (throttle counters in memory whatever throttling.store says),
	// no analytics events, no tracing, no access log, no HTTPS certificates
	// (the caller listens, on plain HTTP). `seqgate test` sets it, so that
	// test requests neither count against a cluster's quotas nor show in its
	// analytics, traces and logs.
	Isolated bool
}

// Runtime is a gateway's serving state: the running generation behind a
// gateway.Switch and the parts kept across generations (see the package
// doc). Methods are safe for concurrent use; generation builds are
// serialized.
type Runtime struct {
	log         *zap.Logger
	reg         *prometheus.Registry
	repo        *deploy.Repository
	sw          *gateway.Switch       // the current generation: router, chain, backends
	opts        gateway.ServerOptions // fixed at start (listener limits, timeouts)
	backendTLS  *tls.Config           // fixed at start: backend clients are shared and kept
	certs       *gateway.Certs        // nil when HTTPS is off
	redis       *redis.Client         // fixed at start; nil without redis.addr
	throttle    throttleShared        // throttle store and its health, kept across reloads
	events      eventsState           // the analytics publisher, rebuilt when its section changes
	tracing     tracerState           // fixed at start
	authn       *authn.Registry       // JWKS fetchers, introspection caches: kept across reloads
	debug       *dryrun.Hook          // admin dry-run and X-Seqgate-Trace; kept across reloads
	faults      *handlers.FaultLog    // the last failed requests (GET /admin/faults); kept across reloads
	bundles     *bundle.Manager       // extension bundles (bundles.go); nil unless Options.Bundles
	access      *accesslog.Log        // fixed at start; nil when access_log is off
	isolated    bool                  // Options.Isolated
	apiFiles    apiFilesWatch         // rebuilds on a changed list of api files (apifiles.go)
	reloadCount *prometheus.CounterVec
	cfg         atomic.Pointer[config.Config]
	reloads     reloadState
}

// New builds the first generation of cfg and what the process keeps
// across generations: repository, metrics registry, backend TLS, Redis
// client, access log, TLS certificates. The repository is not loaded yet
// (Start) and nothing listens. Close it when done.
func New(cfg *config.Config, log *zap.Logger, opts Options) (*Runtime, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	repo, err := deploy.New(deploy.Options{Root: cfg.Repository, Tenants: cfg.Tenants, Logger: log})
	if err != nil {
		return nil, repositoryError(cfg, err)
	}
	rt := &Runtime{log: log, reg: reg, repo: repo, opts: gateway.ServerOptionsFrom(cfg), isolated: opts.Isolated}
	if err := rt.build(cfg, opts); err != nil {
		rt.Close() // what was made before the error (access log, publisher, tracer, redis) stops
		return nil, err
	}
	return rt, nil
}

// build makes what New keeps across generations and the first generation.
func (rt *Runtime) build(cfg *config.Config, opts Options) error {
	var err error
	if rt.backendTLS, err = backendTLSConfig(cfg.TLS.Backend); err != nil {
		return err
	}
	if !opts.Isolated {
		if rt.redis, err = newRedis(cfg.Redis, cfg.Dir); err != nil {
			return err
		}
	}
	rt.reloadCount = registerMetrics(rt.reg, rt.repo)
	rt.debug = dryrun.NewHook(cfg.Listen.AdminToken, rt.log)
	if a := cfg.AccessLog; a.Enabled && !opts.Isolated {
		if rt.access, err = accesslog.New(accesslog.Options{Output: a.Path(cfg.Dir), Format: a.Format,
			Buffer: a.Buffer, Registry: rt.reg}); err != nil {
			return &ConfigError{"access_log.output", strings.TrimPrefix(err.Error(), "access_log.output: ")}
		}
	}
	rt.faults = handlers.NewFaultLog(handlers.DefaultFaultLog)
	rt.useLibrary(cfg)
	gw, err := rt.newGateway(cfg)
	if err != nil {
		return err
	}
	rt.sw = gateway.NewSwitch(gw)
	if cfg.TLS.Enabled() && !opts.Isolated {
		if rt.certs, err = gateway.NewCerts(cfg.TLS, rt.log); err != nil {
			return err
		}
	}
	rt.cfg.Store(cfg)
	rt.reloads.loaded(time.Now())
	if opts.Bundles {
		return rt.startBundles(cfg)
	}
	return nil
}

// Start loads the repository (every tenant's sequences, endpoints, api
// files), rebuilds the generation with the api files it found, and from
// then on rebuilds it whenever the repository's list of APIs changes.
func (rt *Runtime) Start() error {
	if err := rt.repo.Start(); err != nil {
		return err
	}
	// the generation built before the repository loaded has no api files yet
	rt.watchAPIFiles()
	return nil
}

// Close stops the api files' rebuilds, the bundle manager, the publishers,
// the access log, the tracer, the TLS file watcher, the repository, the
// Redis client and the authn registry, in that order (bundles and the
// stream sink before Redis). Call it once.
func (rt *Runtime) Close() {
	rt.stopAPIFiles()
	rt.stopBundles()
	rt.closeAnalytics() // before redis: the stream sink flushes on it
	if err := rt.access.Close(); err != nil {
		rt.log.Warn("access log close", zap.Error(err))
	}
	rt.closeTracing()
	if rt.certs != nil {
		_ = rt.certs.Close()
	}
	_ = rt.repo.Close()
	if rt.redis != nil {
		_ = rt.redis.Close()
	}
	if rt.authn != nil {
		rt.authn.Close()
	}
}

// Config is the config the running generation was built from.
func (rt *Runtime) Config() *config.Config { return rt.cfg.Load() }

// Switch serves each request on the running generation: its Handle and
// Server are what the traffic listeners and the admin dry-run call.
func (rt *Runtime) Switch() *gateway.Switch { return rt.sw }

// ServerOptions are the listener limits and timeouts, fixed at start.
func (rt *Runtime) ServerOptions() gateway.ServerOptions { return rt.opts }

// Repo is the repository of deployed sequences, endpoints and api files.
func (rt *Runtime) Repo() *deploy.Repository { return rt.repo }

// Registry is the metrics registry every generation registers on.
func (rt *Runtime) Registry() *prometheus.Registry { return rt.reg }

// Certs are the TLS certificates of the HTTPS listener, nil when HTTPS is
// off. Their Watch follows the files; Close stops it.
func (rt *Runtime) Certs() *gateway.Certs { return rt.certs }

// Debug is the dry-run and trace hook (POST /admin/dry-run, GET
// /admin/traces/{id}).
func (rt *Runtime) Debug() *dryrun.Hook { return rt.debug }

// Faults are the last failed requests (GET /admin/faults).
func (rt *Runtime) Faults() *handlers.FaultLog { return rt.faults }

// Bundles is the extension bundle manager, nil unless Options.Bundles.
func (rt *Runtime) Bundles() *bundle.Manager { return rt.bundles }

// Authn is the registry of JWKS fetchers and introspection caches the
// generations share.
func (rt *Runtime) Authn() *authn.Registry { return rt.authn }

// Publisher is the analytics publisher the running generation feeds, nil
// when usage.events is off.
func (rt *Runtime) Publisher() *analytics.Publisher {
	e := &rt.events
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.live == nil {
		return nil
	}
	return e.live.pub
}
