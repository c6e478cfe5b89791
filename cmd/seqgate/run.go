package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"
	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/accesslog"
	"github.com/seqgate/seqgate/handlers/admin"
	"github.com/seqgate/seqgate/handlers/authn"
	"github.com/seqgate/seqgate/handlers/dryrun"
	"github.com/seqgate/seqgate/handlers/gateway"
)

// run starts the gateway and blocks until SIGINT/SIGTERM. Exit codes: 0
// clean stop, 1 runtime failure, 2 bad flags or config (nothing started).
func run(args []string) int {
	fs := newFlags("run", os.Stdout, os.Stderr)
	cfgPath := fs.String("config", "", "config file (YAML); empty runs the bundled samples")
	workdir := fs.String("workdir", "seqgate-samples", "sample mode: where the samples are extracted")
	logLevel := fs.String("log-level", "", "override log.level (debug, info, warn, error)")
	if code, done := parseFlags(fs, args, os.Stdout); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "seqgate run: unexpected argument %q (run takes only flags)\n", fs.Arg(0))
		fs.Usage()
		return 2
	}

	if *cfgPath == "" {
		p, stop, err := startSamples(*workdir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "seqgate: samples:", err)
			return 1
		}
		*cfgPath = p
		defer stop()
	}
	cfg, err := config.LoadLocated(*cfgPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "seqgate:", err)
		return 2
	}
	if *logLevel != "" {
		cfg.Log.Level = *logLevel
	}
	log, err := newLogger(cfg.Log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "seqgate: log:", err)
		return 2
	}
	defer func() { _ = log.Sync() }() // flushes the buffered log and usage lines

	srv, err := build(cfg, log)
	if err != nil {
		return startError(log, *cfgPath, "start failed", err)
	}
	defer srv.close()
	srv.path = *cfgPath
	if err := srv.listen(); err != nil {
		return startError(log, *cfgPath, "listener", err)
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	return srv.serve(sigs)
}

// server is everything run starts, wired in build.
type server struct {
	path        string // config file, reloaded on change and SIGHUP; "" never reloads
	log         *zap.Logger
	reg         *prometheus.Registry
	repo        *deploy.Repository
	sw          *gateway.Switch        // the current gateway: router, chain, backends
	opts        gateway.ServerOptions  // fixed at start (listener limits, timeouts)
	backendTLS  *tls.Config            // fixed at start: backend clients are shared and kept
	certs       *gateway.Certs         // nil when HTTPS is off
	redis       *redis.Client          // fixed at start; nil without redis.addr
	throttle    throttleShared         // throttle store and its health, kept across reloads
	events      eventsState            // the analytics publisher, rebuilt when its section changes
	tracing     tracerState            // fixed at start
	authn       *authn.Registry        // JWKS fetchers, introspection caches: kept across reloads
	debug       *dryrun.Hook           // admin dry-run and X-Seqgate-Trace; kept across reloads
	faults      *handlers.FaultLog     // the last failed requests (GET /admin/faults); kept across reloads
	bundles     bundleState            // extension bundles (wire_bundles.go)
	access      *accesslog.Log         // fixed at start; nil when access_log is off
	reloadCount *prometheus.CounterVec // seqgate_config_reloads_total{result}
	admin       *http.Server

	cfg      atomic.Pointer[config.Config]
	reloads  reloadState
	draining atomic.Bool
	started  time.Time

	// set by listen and serve
	ln, tlsLn, adminLn net.Listener
	traffic            []*fasthttp.Server
	watchMu            sync.Mutex
	watcher            *config.Watcher
	closeOnce          sync.Once
}

// build wires the gateway: repository, the first runtime (router, handler
// chain, backends), TLS certificates, the admin API. Nothing listens yet.
func build(cfg *config.Config, log *zap.Logger) (*server, error) {
	s, err := assemble(cfg, log)
	if err != nil {
		return nil, err
	}
	s.cfg.Store(cfg)
	s.reloads.loaded(time.Now())
	if err := s.startBundles(cfg); err != nil {
		return nil, err
	}
	if cfg.Listen.AdminEnabled() {
		s.admin = &http.Server{Addr: cfg.Listen.Admin,
			// Guard first: a cross-site page gets 403 whether or not it guessed the token.
			Handler:           admin.Guard(cfg.Listen.AdminToken, admin.RequireToken(cfg.Listen.AdminToken, s.adminHandler(admin.Handler(s.repo, s.reg)))),
			ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second}
	}
	return s, nil
}

// close stops the watchers and the repository (idempotent).
func (s *server) close() {
	s.closeOnce.Do(func() {
		s.stopWatching()
		s.stopBundles()
		s.closeAnalytics() // before redis: the stream sink flushes on it
		if err := s.access.Close(); err != nil {
			s.log.Warn("access log close", zap.Error(err))
		}
		s.closeTracing()
		_ = s.repo.Close()
		if s.redis != nil {
			_ = s.redis.Close()
		}
		if s.authn != nil {
			s.authn.Close()
		}
	})
}

// assemble is the part of build that `seqgate check` shares with run:
// repository, backend TLS, Redis client, the first gateway (router,
// handler chain, backends) and the TLS certificates. Nothing listens,
// nothing is watched, no bundle is installed.
func assemble(cfg *config.Config, log *zap.Logger) (*server, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	repo, err := deploy.New(deploy.Options{Root: cfg.Repository, Tenants: cfg.Tenants, Logger: log})
	if err != nil {
		return nil, repositoryError(cfg, err)
	}
	backendTLS, err := backendTLSConfig(cfg.TLS.Backend)
	if err != nil {
		return nil, err
	}
	rdb, err := newRedis(cfg.Redis, cfg.Dir)
	if err != nil {
		return nil, err
	}
	s := &server{log: log, reg: reg, repo: repo, backendTLS: backendTLS, redis: rdb, opts: gateway.ServerOptionsFrom(cfg), started: time.Now()}
	s.reloadCount = registerProcessMetrics(reg, repo)
	s.debug = dryrun.NewHook(cfg.Listen.AdminToken, log)
	if a := cfg.AccessLog; a.Enabled {
		if s.access, err = accesslog.New(accesslog.Options{Output: a.Path(cfg.Dir), Format: a.Format,
			Buffer: a.Buffer, Registry: reg}); err != nil {
			_ = repo.Close()
			return nil, &configError{"access_log.output", strings.TrimPrefix(err.Error(), "access_log.output: ")}
		}
	}
	s.faults = handlers.NewFaultLog(handlers.DefaultFaultLog)
	s.useLibrary(cfg)
	gw, err := s.newGateway(cfg)
	if err != nil {
		return nil, err
	}
	s.sw = gateway.NewSwitch(gw)
	if cfg.TLS.Enabled() {
		if s.certs, err = gateway.NewCerts(cfg.TLS, log); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// configError is a start failure caused by a config value (a repository
// that is not there, a port in use): run prints it as one line naming the
// key and exits 2, like a config that does not parse.
type configError struct{ key, msg string }

func (e *configError) Error() string { return e.key + ": " + e.msg }

// repositoryError names the config key behind a repository that cannot
// be opened.
func repositoryError(cfg *config.Config, err error) error {
	switch {
	case cfg.Repository == "":
		return &configError{"repository", "is empty or missing; set it to the folder holding repository/deployment/server/synapse-configs"}
	case errors.Is(err, fs.ErrNotExist):
		return &configError{"repository", cfg.Repository + " does not exist"}
	}
	return &configError{"repository", cfg.Repository + ": " + strings.TrimPrefix(err.Error(), "deploy: ")}
}

// startError prints a build or listen failure: a configError as one line
// on stderr with exit 2, anything else as a log line with exit 1.
func startError(log *zap.Logger, cfgPath, what string, err error) int {
	var ce *configError
	if errors.As(err, &ce) {
		fmt.Fprintln(os.Stderr, "seqgate:", locateKey(cfgPath, ce))
		return 2
	}
	log.Error(what, zap.Error(err))
	return 1
}

// locateKey is `file:line: key: message` (file: key: message when the key
// is not in the file).
func locateKey(cfgPath string, err error) string {
	data, rerr := os.ReadFile(cfgPath)
	if rerr != nil {
		return cfgPath + ": " + err.Error()
	}
	return config.Locate(cfgPath, data, err).Error()
}
