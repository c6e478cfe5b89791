package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/admin"
	"github.com/seqgate/seqgate/handlers/gateway"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/mediation"
)

// run starts the gateway and blocks until SIGINT/SIGTERM. Exit codes: 0
// clean stop, 1 runtime failure, 2 bad flags or config (nothing started).
func run(args []string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "config file (YAML); empty runs the bundled samples")
	workdir := fs.String("workdir", "seqgate-samples", "sample mode: where the samples are extracted")
	logLevel := fs.String("log-level", "", "override log.level (debug, info, warn, error)")
	if err := fs.Parse(args); err != nil {
		return 2
	}

	var stopSamples func()
	if *cfgPath == "" {
		p, stop, err := startSamples(*workdir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "seqgate: samples:", err)
			return 1
		}
		*cfgPath, stopSamples = p, stop
		defer stopSamples()
	}
	cfg, err := config.Load(*cfgPath)
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
	defer func() { _ = log.Sync() }()

	srv, err := build(cfg, log)
	if err != nil {
		log.Error("start failed", zap.Error(err))
		return 1
	}
	defer srv.close()
	return srv.serve(log)
}

// server is everything run starts, wired in build.
type server struct {
	cfg     *config.Config
	repo    *deploy.Repository
	traffic *gatewayServer
	admin   *http.Server
}

type gatewayServer struct {
	gw   *gateway.Gateway
	opts gateway.ServerOptions
}

// build wires the gateway: repository, router, handler chain, backends,
// listeners. Nothing listens yet.
func build(cfg *config.Config, log *zap.Logger) (*server, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	repo, err := deploy.New(deploy.Options{Root: cfg.Repository, Tenants: cfg.Tenants, Logger: log})
	if err != nil {
		return nil, err
	}
	router, err := route.New(cfg)
	if err != nil {
		return nil, err
	}
	auth, err := handlers.NewAuth(cfg)
	if err != nil {
		return nil, err
	}
	throttle, err := handlers.NewThrottle(cfg)
	if err != nil {
		return nil, err
	}
	usage, err := handlers.NewUsage(cfg, log, reg)
	if err != nil {
		return nil, err
	}
	ext := handlers.NewExtension(log)
	chain := handlers.Chain(cfg.ExtensionHandlerPosition, auth, throttle, usage, ext)

	backends, err := gateway.NewBackends(router.APIs(), gateway.BackendOptions{
		Timeout: cfg.Timeouts.Backend.D(), MaxResponseBody: 0,
	})
	if err != nil {
		return nil, err
	}
	gw := gateway.New(gateway.Options{
		Router: router, Repo: repo, Chain: chain, Backends: backends, Logger: log,
		Limits: payloadLimits(cfg.Limits),
	})
	s := &server{cfg: cfg, repo: repo, traffic: &gatewayServer{gw: gw, opts: gateway.ServerOptionsFrom(cfg)}}
	if cfg.Listen.Admin != "" && cfg.Listen.Admin != "off" {
		s.admin = &http.Server{Addr: cfg.Listen.Admin, Handler: admin.RequireToken(cfg.Listen.AdminToken, admin.Handler(repo, reg)),
			ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second}
	}
	return s, nil
}

// serve binds both listeners first (a port in use fails the start before
// anything serves), loads the repository, then serves until a signal.
func (s *server) serve(log *zap.Logger) int {
	tl, err := net.Listen("tcp", s.cfg.Listen.HTTP)
	if err != nil {
		log.Error("traffic listener", zap.Error(err))
		return 1
	}
	var al net.Listener
	if s.admin != nil {
		if al, err = net.Listen("tcp", s.admin.Addr); err != nil {
			_ = tl.Close()
			log.Error("admin listener", zap.Error(err))
			return 1
		}
	}
	if err := s.repo.Start(); err != nil {
		log.Error("repository", zap.Error(err))
		return 1
	}
	fsrv := s.traffic.gw.Server(s.traffic.opts)
	errc := make(chan error, 2)
	go func() { errc <- fsrv.Serve(tl) }()
	log.Info("listening", zap.String("listener", "traffic"), zap.String("addr", tl.Addr().String()))
	if al != nil {
		go func() { errc <- s.admin.Serve(al) }()
		log.Info("listening", zap.String("listener", "admin"), zap.String("addr", al.Addr().String()))
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	code := 0
	select {
	case got := <-sig:
		log.Info("stopping", zap.String("signal", got.String()))
	case err := <-errc:
		log.Error("listener failed", zap.Error(err))
		code = 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fsrv.ShutdownWithContext(ctx); err != nil {
		log.Warn("traffic shutdown", zap.Error(err))
	}
	if s.admin != nil {
		if err := s.admin.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("admin shutdown", zap.Error(err))
		}
	}
	log.Info("stopped")
	return code
}

func (s *server) close() { _ = s.repo.Close() }

// payloadLimits are the limits a sequence's payload access enforces.
func payloadLimits(l config.Limits) mediation.Limits {
	return mediation.Limits{
		MaxXMLDepth: l.MaxXMLDepth, MaxJSONDepth: l.MaxJSONDepth, MaxSeqDepth: mediation.DefaultLimits.MaxSeqDepth,
		XML: mediation.XMLLimits{Elements: l.MaxXMLElements, Attributes: l.MaxXMLAttributes,
			AttributeLength: l.MaxXMLAttributeLength, Children: l.MaxXMLChildren, TextLength: l.MaxXMLTextLength},
		JSON: mediation.JSONLimits{Keys: l.MaxJSONKeys, ArrayLength: l.MaxJSONArrayLength,
			StringLength: l.MaxJSONStringLength, KeyLength: l.MaxJSONKeyLength},
	}
}
