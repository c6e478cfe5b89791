package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/gateway"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/mediation"
)

// newGateway builds everything a config decides per request: router,
// handler chain, backends, payload limits. It runs at start and on every
// config reload; the repository, the metrics registry and the backend
// connection pools are shared across generations.
func (s *server) newGateway(cfg *config.Config) (*gateway.Gateway, error) {
	router, err := route.New(cfg)
	if err != nil {
		return nil, err
	}
	auth, err := s.newAuth(cfg)
	if err != nil {
		return nil, err
	}
	throttle, err := s.newThrottle(cfg)
	if err != nil {
		return nil, err
	}
	usage, err := s.newUsage(cfg)
	if err != nil {
		return nil, err
	}
	tracer, err := s.newTracer(cfg)
	if err != nil {
		return nil, err
	}
	ext := handlers.NewExtension(s.log)
	chain := handlers.Chain(cfg.ExtensionHandlerPosition, auth, throttle, usage, ext)

	backends, err := gateway.NewBackends(router.APIs(), gateway.BackendOptions{
		Timeout: cfg.Timeouts.Backend.D(), MaxResponseBody: cfg.Limits.MaxResponseBodyBytes, TLS: s.backendTLS,
	})
	if err != nil {
		return nil, err
	}
	return gateway.New(gateway.Options{
		Router: router, Repo: s.repo, Chain: chain, Backends: backends, Logger: s.log,
		Limits: payloadLimits(cfg.Limits), Tracer: tracer, Debug: s.debugHook(),
	}), nil
}

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
