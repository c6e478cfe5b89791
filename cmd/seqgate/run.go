package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/admin"
	"github.com/seqgate/seqgate/handlers/runtime"
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

// server is the process around the runtime: the config file it reloads,
// the listeners and the admin server, the drain state. The runtime
// (handlers/runtime) owns the config generations and what survives them.
type server struct {
	path    string // config file, reloaded on change and SIGHUP; "" never reloads
	log     *zap.Logger
	rt      *runtime.Runtime
	admin   *http.Server
	started time.Time

	draining atomic.Bool

	// set by listen and serve
	ln, tlsLn, adminLn net.Listener
	traffic            []*fasthttp.Server
	watchMu            sync.Mutex
	watcher            *config.Watcher
	closeOnce          sync.Once
}

// build wires the gateway: the runtime (repository, the first generation:
// router, handler chain, backends; TLS certificates; extension bundles),
// the build info metric, the admin API. Nothing listens yet.
func build(cfg *config.Config, log *zap.Logger) (*server, error) {
	rt, err := runtime.New(cfg, log, runtime.Options{Bundles: true})
	if err != nil {
		return nil, err
	}
	s := &server{log: log, rt: rt, started: time.Now()}
	registerBuildInfo(rt.Registry())
	if cfg.Listen.AdminEnabled() {
		s.admin = &http.Server{Addr: cfg.Listen.Admin,
			// Guard first: a cross-site page gets 403 whether or not it guessed the token.
			Handler:           admin.Guard(cfg.Listen.AdminToken, admin.RequireToken(cfg.Listen.AdminToken, s.adminHandler(admin.Handler(rt.Repo(), rt.Registry())))),
			ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second}
	}
	return s, nil
}

// close stops the watchers and the runtime (idempotent).
func (s *server) close() {
	s.closeOnce.Do(func() {
		s.stopWatching()
		s.rt.Close()
	})
}

// startError prints a build or listen failure: a runtime.ConfigError as one line
// on stderr with exit 2, anything else as a log line with exit 1.
func startError(log *zap.Logger, cfgPath, what string, err error) int {
	var ce *runtime.ConfigError
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
