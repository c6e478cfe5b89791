package main

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/gateway"
	"github.com/seqgate/seqgate/handlers/runtime"
)

// listen binds every listener before anything serves, so a port in use
// fails the start cleanly.
func (s *server) listen() error {
	cfg := s.rt.Config()
	var err error
	if s.ln, err = net.Listen("tcp", cfg.Listen.HTTP); err != nil {
		return listenError("listen.http", err)
	}
	if s.rt.Certs() != nil {
		if s.tlsLn, err = net.Listen("tcp", cfg.Listen.HTTPS); err != nil {
			s.closeListeners()
			return listenError("listen.https", err)
		}
	}
	if s.admin != nil {
		if s.adminLn, err = net.Listen("tcp", s.admin.Addr); err != nil {
			s.closeListeners()
			return listenError("listen.admin", err)
		}
	}
	return nil
}

// listenError names the config key of an address that cannot be bound
// (in use, not local, no permission): a config problem, exit 2.
func listenError(key string, err error) error {
	return &runtime.ConfigError{Key: key, Msg: strings.TrimPrefix(err.Error(), "listen tcp ")}
}

func (s *server) closeListeners() {
	for _, l := range []net.Listener{s.ln, s.tlsLn, s.adminLn} {
		if l != nil {
			_ = l.Close()
		}
	}
}

// serve loads the repository, starts the watchers and every listener, and
// runs until SIGINT/SIGTERM on sigs; SIGHUP reloads the config.
func (s *server) serve(sigs <-chan os.Signal) int {
	if err := s.rt.Start(); err != nil {
		s.log.Error("repository", zap.Error(err))
		s.closeListeners()
		return 1
	}
	repo := s.rt.Repo()
	for _, w := range nameWarnings(s.rt.Config(), repo) { // also what `seqgate check` warns about
		s.log.Warn("sequence never runs", zap.String("reason", w))
	}
	// From now on each deploy logs the names that newly became traps
	// (a misnamed file dropped in at run time), checked against the
	// config running at that moment.
	repo.SetNameCheck(func(domain string, names []string) []string {
		return tenantNameWarnings(s.rt.Config(), domain, names)
	})
	s.startWatching()
	errc := make(chan error, 3)
	start := func(name string, ln net.Listener, serve func(net.Listener) error) {
		go func() { errc <- serve(ln) }()
		s.log.Info("listening", zap.String("listener", name), zap.String("addr", ln.Addr().String()))
	}
	sw, opts := s.rt.Switch(), s.rt.ServerOptions()
	httpSrv := sw.Server(opts)
	s.traffic = append(s.traffic, httpSrv)
	start("traffic", gateway.Listener(s.ln), httpSrv.Serve) // deadlines armed lazily: mediation/deadline
	if certs := s.rt.Certs(); certs != nil {
		httpsSrv := sw.Server(opts)
		s.traffic = append(s.traffic, httpsSrv)
		start("traffic-tls", tls.NewListener(gateway.Listener(s.tlsLn), certs.TLSConfig()), httpsSrv.Serve)
	}
	if s.admin != nil {
		start("admin", s.adminLn, s.admin.Serve)
	}
	for {
		select {
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				_ = s.reload("SIGHUP")
				continue
			}
			s.log.Info("stopping", zap.String("signal", sig.String()))
			s.shutdown(sigs)
			return 0
		case err := <-errc:
			s.log.Error("listener failed", zap.Error(err))
			s.shutdown(nil)
			return 1
		}
	}
}

// shutdown stops in the order a load balancer needs: /readyz turns 503,
// the drain delay lets it notice, then the traffic listeners close and
// in-flight requests get the grace period to finish. The admin listener
// goes last, so readiness stays observable throughout. A second signal
// skips the rest of the drain delay.
func (s *server) shutdown(sigs <-chan os.Signal) {
	lc := s.rt.Config().Lifecycle
	s.draining.Store(true)
	s.stopWatching()
	s.log.Info("draining", zap.Duration("drain_delay", lc.Drain()), zap.Duration("grace_period", lc.Grace()))
	if d := lc.Drain(); d > 0 {
		select {
		case <-time.After(d):
		case sig := <-sigs:
			s.log.Info("second signal: not waiting for the rest of the drain delay", zap.String("signal", sig.String()))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), lc.Grace())
	defer cancel()
	var wg sync.WaitGroup
	for _, srv := range s.traffic {
		wg.Add(1)
		go func(srv *fasthttp.Server) {
			defer wg.Done()
			if err := srv.ShutdownWithContext(ctx); err != nil {
				s.log.Warn("grace period over; connections with requests in flight are closed", zap.Error(err))
			}
		}(srv)
	}
	wg.Wait()
	if s.admin != nil {
		actx, acancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer acancel()
		if err := s.admin.Shutdown(actx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Warn("admin shutdown", zap.Error(err))
		}
	}
	s.log.Info("stopped")
}

// startWatching follows the config file and the TLS files.
func (s *server) startWatching() {
	if s.path != "" {
		w, err := config.NewWatcher([]string{s.path}, 0, func() { _ = s.reload("config file changed") })
		if err != nil {
			s.log.Warn("cannot watch the config file; reload with SIGHUP", zap.String("file", s.path), zap.Error(err))
		}
		s.watchMu.Lock()
		s.watcher = w
		s.watchMu.Unlock()
	}
	if certs := s.rt.Certs(); certs != nil {
		if err := certs.Watch(); err != nil {
			s.log.Warn("cannot watch the tls files; they reload with the config", zap.Error(err))
		}
	}
}

func (s *server) stopWatching() {
	s.watchMu.Lock()
	w := s.watcher
	s.watchMu.Unlock()
	if w != nil {
		_ = w.Close()
	}
	if certs := s.rt.Certs(); certs != nil {
		_ = certs.Close()
	}
}

// reload reads the config file again and applies it (runtime.Reload): a
// bad config leaves everything as it was and is logged as file:line:
// problem.
func (s *server) reload(reason string) error {
	if s.path == "" {
		return errNoConfigFile
	}
	return s.rt.Reload(s.path, reason)
}

var errNoConfigFile = errors.New("the gateway runs without a config file")
