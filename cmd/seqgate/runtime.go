package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/gateway"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/mediation/endpoint"
)

// newGateway builds everything a config decides per request (router,
// handler chain, backends, payload limits: gateway.Assemble) on the parts
// this process keeps across config generations: the repository, the
// metrics registry, the authn registry, the throttle store, the analytics
// publisher, the tracer, the debug hook. It runs at start and on every
// config reload.
func (s *server) newGateway(cfg *config.Config) (*gateway.Gateway, error) {
	cfg = withFileAPIs(cfg, s.repo, s.log) // API-M api files serve next to the config's APIs
	router, err := route.New(cfg)          // a bad router refuses the config before anything long-lived is built
	if err != nil {
		return nil, err
	}
	store, health, err := s.throttleStore(cfg)
	if err != nil {
		return nil, err
	}
	pub, err := s.publisher(cfg)
	if err != nil {
		return nil, err
	}
	tracer, err := s.newTracer(cfg)
	if err != nil {
		return nil, err
	}
	gw, err := gateway.Assemble(cfg, gateway.Deps{
		Repo: s.repo, Router: router, Logger: s.log, Registry: s.reg, Authn: s.authnRegistry(),
		Throttle: store, ThrottleHealth: health, Publisher: pub, Tracer: tracer,
		Debug: s.debugHook(), BackendTLS: s.backendTLS, Clients: s.runningClients(), AccessLog: s.access,
		Faults: s.faults,
	})
	s.retainAuthn(cfg)
	return gw, err
}

// backendTLSConfig is the client side for https backends: the CA bundle to
// trust (system roots when empty) and an optional client certificate.
// nil when nothing is configured (endpoint's default: system roots).
func backendTLSConfig(b config.BackendTLS) (*tls.Config, error) {
	if !b.Set() {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if b.CA != "" {
		pem, err := os.ReadFile(b.CA)
		if err != nil {
			return nil, fmt.Errorf("tls.backend.ca: %w", err)
		}
		c.RootCAs = x509.NewCertPool()
		if !c.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls.backend.ca: %s: %w", b.CA, errors.New("no PEM certificate in the file"))
		}
	}
	if b.Cert != "" {
		pair, err := tls.LoadX509KeyPair(b.Cert, b.Key)
		if err != nil {
			return nil, fmt.Errorf("tls.backend: client certificate %s with key %s: %w", b.Cert, b.Key, err)
		}
		c.Certificates = []tls.Certificate{pair}
	}
	return c, nil
}

// debugHook is the dry-run/trace hook as the gateway's interface: nil when
// there is none, so an untraced request costs one nil check.
func (s *server) debugHook() gateway.Debug {
	if s.debug == nil {
		return nil
	}
	return s.debug
}

// runningClients is the serving generation's backend client pool (nil at
// start): a new generation carries its clients over when their settings
// are unchanged, so a reload keeps backend connections.
func (s *server) runningClients() *endpoint.Pool {
	if s.sw == nil {
		return nil
	}
	return s.sw.Load().Clients()
}
