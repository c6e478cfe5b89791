package gateway

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
)

// Certs holds the HTTPS listener's certificates, chosen by SNI, and keeps
// them current: Reload re-reads every file, and a pair (or client CA) that
// no longer loads keeps its last good version and is reported in Status.
// The listener's tls.Config asks Certs for the current set on every
// handshake, so a reload never restarts the listener.
type Certs struct {
	log *zap.Logger

	mu      sync.Mutex // serializes reloads; guards the fields below
	cfg     config.TLS
	good    map[[2]string]*tls.Certificate // last good, by cert and key file
	goodCA  map[string]*x509.CertPool
	watcher *config.Watcher

	set    atomic.Pointer[certSet]
	status atomic.Pointer[[]CertStatus]
}

// CertStatus is one configured file (pair or client CA), for the admin API.
type CertStatus struct {
	Cert            string    `json:"cert"`
	Key             string    `json:"key,omitempty"`
	Role            string    `json:"role"` // "sni", "default" or "client_ca"
	Hosts           []string  `json:"hosts,omitempty"`
	State           string    `json:"state"` // "active" or "refused"
	Error           string    `json:"error,omitempty"`
	ServingLastGood bool      `json:"serving_last_good"`
	NotAfter        time.Time `json:"not_after,omitzero"`
	LoadedAt        time.Time `json:"loaded_at"`
}

// certSet is one immutable generation: the lookup tables and the server
// config handed to handshakes.
type certSet struct {
	exact map[string]*tls.Certificate
	wild  map[string]*tls.Certificate // "example.com" for "*.example.com"
	def   *tls.Certificate
	conf  *tls.Config
}

// NewCerts loads every file of c. At start a file that does not load is an
// error: the gateway must not come up serving the wrong certificate.
func NewCerts(c config.TLS, log *zap.Logger) (*Certs, error) {
	if log == nil {
		log = zap.NewNop()
	}
	cs := &Certs{log: log, good: map[[2]string]*tls.Certificate{}, goodCA: map[string]*x509.CertPool{}}
	if errs := cs.load(c); len(errs) > 0 {
		return nil, fmt.Errorf("tls: %w", errors.Join(errs...))
	}
	return cs, nil
}

// TLSConfig is the listener's config: TLS 1.2 and up with Go's default
// cipher suites and curves, the certificate and client CAs of the current
// set per handshake.
func (cs *Certs) TLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			return cs.set.Load().conf, nil
		},
	}
}

// Status returns every configured file's state.
func (cs *Certs) Status() []CertStatus { return *cs.status.Load() }

// Reload re-reads every file; what fails keeps its last good version.
func (cs *Certs) Reload() {
	cs.mu.Lock()
	c := cs.cfg
	cs.mu.Unlock()
	cs.Update(c)
}

// Update switches to a new tls config (a config reload): files are read
// again, a pair that fails keeps its last good version when it had one.
// It returns the problems, which are also logged and in Status.
func (cs *Certs) Update(c config.TLS) []error {
	errs := cs.load(c)
	for _, err := range errs {
		cs.log.Error("tls file refused; keeping the last good version where there is one", zap.Error(err))
	}
	cs.mu.Lock()
	w := cs.watcher
	cs.mu.Unlock()
	if w != nil {
		if err := w.Follow(c.Files()); err != nil {
			cs.log.Warn("cannot watch a tls folder", zap.Error(err))
		}
	}
	return errs
}

// load builds and publishes a new set from c.
func (cs *Certs) load(c config.TLS) []error {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	now := time.Now()
	set := &certSet{exact: map[string]*tls.Certificate{}, wild: map[string]*tls.Certificate{}}
	var status []CertStatus
	var errs []error
	pairs := c.Certificates
	if c.Default != nil {
		pairs = append([]config.CertPair{*c.Default}, pairs...)
	}
	for i, p := range pairs {
		role := "sni"
		if c.Default != nil && i == 0 {
			role = "default"
		}
		cert, st, err := cs.loadPair(p, role, now)
		status = append(status, st)
		if err != nil {
			errs = append(errs, err)
		}
		if cert == nil {
			continue
		}
		if set.def == nil { // the default pair, or the first one
			set.def = cert
		}
		if role == "sni" {
			set.add(cert, p.Hosts)
		}
	}
	set.conf = &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: set.get}
	if c.ClientCA != "" {
		pool, st, err := cs.loadCA(c.ClientCA, now)
		status = append(status, st)
		if err != nil {
			errs = append(errs, err)
		}
		set.conf.ClientCAs, set.conf.ClientAuth = pool, tls.VerifyClientCertIfGiven
		if c.ClientAuth == config.ClientAuthRequire {
			set.conf.ClientAuth = tls.RequireAndVerifyClientCert
		}
	}
	cs.cfg = c
	cs.set.Store(set)
	cs.status.Store(&status)
	return errs
}

// loadPair reads one pair, falling back to its last good version.
func (cs *Certs) loadPair(p config.CertPair, role string, now time.Time) (*tls.Certificate, CertStatus, error) {
	key := [2]string{p.Cert, p.Key}
	st := CertStatus{Cert: p.Cert, Key: p.Key, Role: role, Hosts: p.Hosts, State: "active", LoadedAt: now}
	cert, err := tls.LoadX509KeyPair(p.Cert, p.Key)
	if err == nil && cert.Leaf != nil && now.After(cert.Leaf.NotAfter) {
		err = fmt.Errorf("expired on %s", cert.Leaf.NotAfter.Format(time.RFC3339))
	}
	if err != nil {
		err = fmt.Errorf("certificate %s with key %s: %w", p.Cert, p.Key, err)
		st.State, st.Error = "refused", err.Error()
		old := cs.good[key]
		if old != nil {
			st.ServingLastGood, st.NotAfter = true, old.Leaf.NotAfter
		}
		return old, st, err
	}
	cs.good[key] = &cert
	st.NotAfter = cert.Leaf.NotAfter
	return &cert, st, nil
}

// loadCA reads a PEM bundle of client CAs, falling back to its last good version.
func (cs *Certs) loadCA(path string, now time.Time) (*x509.CertPool, CertStatus, error) {
	st := CertStatus{Cert: path, Role: "client_ca", State: "active", LoadedAt: now}
	pem, err := os.ReadFile(path)
	pool := x509.NewCertPool()
	if err == nil && !pool.AppendCertsFromPEM(pem) {
		err = errors.New("no PEM certificate in the file")
	}
	if err != nil {
		err = fmt.Errorf("client CA %s: %w", path, err)
		st.State, st.Error = "refused", err.Error()
		old := cs.goodCA[path]
		st.ServingLastGood = old != nil
		if old == nil { // verify against nothing rather than accept anything
			old = x509.NewCertPool()
		}
		return old, st, err
	}
	cs.goodCA[path] = pool
	return pool, st, nil
}

// add indexes cert under hosts, or under its own DNS names when none are listed.
func (s *certSet) add(cert *tls.Certificate, hosts []string) {
	if len(hosts) == 0 && cert.Leaf != nil {
		hosts = cert.Leaf.DNSNames
	}
	for _, h := range hosts {
		h = strings.ToLower(h)
		if rest, ok := strings.CutPrefix(h, "*."); ok {
			if s.wild[rest] == nil {
				s.wild[rest] = cert
			}
		} else if s.exact[h] == nil {
			s.exact[h] = cert
		}
	}
}

// get picks the certificate for the client's SNI name: exact, then a
// wildcard for its parent, then the default.
func (s *certSet) get(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	name := strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))
	if c := s.exact[name]; c != nil {
		return c, nil
	}
	if _, parent, ok := strings.Cut(name, "."); ok {
		if c := s.wild[parent]; c != nil {
			return c, nil
		}
	}
	if s.def == nil {
		return nil, errors.New("tls: no certificate loaded")
	}
	return s.def, nil
}

// Watch reloads the files when they change on disk (renewals, a Kubernetes
// Secret update), until Close.
func (cs *Certs) Watch() error {
	cs.mu.Lock()
	files := cs.cfg.Files()
	cs.mu.Unlock()
	w, err := config.NewWatcher(files, 0, func() {
		cs.log.Info("tls files changed; reloading")
		cs.Reload()
	})
	if err != nil {
		return fmt.Errorf("tls: watch: %w", err)
	}
	cs.mu.Lock()
	cs.watcher = w
	cs.mu.Unlock()
	return nil
}

// Close stops watching.
func (cs *Certs) Close() error {
	cs.mu.Lock()
	w := cs.watcher
	cs.watcher = nil
	cs.mu.Unlock()
	if w == nil {
		return nil
	}
	return w.Close()
}

// clientCert records whether the connection carried a client certificate
// that verified against tls.client_ca (client_auth: request lets a
// handshake without one, or with an unverified one, through) and its
// subject CN, for the auth handler's mtls check.
func clientCert(ctx *fasthttp.RequestCtx, ex *handlers.Exchange) {
	st := ctx.TLSConnectionState()
	if st == nil || len(st.VerifiedChains) == 0 || len(st.VerifiedChains[0]) == 0 {
		return
	}
	ex.ClientCertVerified = true
	ex.ClientCertCN = st.VerifiedChains[0][0].Subject.CommonName
}
