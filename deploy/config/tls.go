package config

import (
	"path/filepath"
	"strings"
)

// DefaultHTTPS is the TLS traffic listener, bound only when tls lists a
// certificate.
const DefaultHTTPS = ":8243"

// Client certificate modes (tls.client_auth).
const (
	ClientAuthRequest = "request" // verify a certificate when the client sends one
	ClientAuthRequire = "require" // refuse the handshake without a valid one
)

// TLS configures the HTTPS listener and TLS to backends. Certificate files
// are PEM; relative paths are relative to the config file. The files are
// watched: a renewed certificate is served without a restart.
type TLS struct {
	// Certificates are served by SNI host name: each pair's Hosts, or the
	// DNS names in the certificate when Hosts is empty ("*.example.com"
	// matches one label).
	Certificates []CertPair `yaml:"certificates"`
	// Default is served when the client sends no SNI name or one that no
	// pair claims; unset, the first of Certificates is the default.
	Default *CertPair `yaml:"default"`
	// ClientCA is a PEM bundle of CAs that sign client certificates; set,
	// clients may (client_auth: request) or must (require) present one.
	ClientCA   string `yaml:"client_ca"`
	ClientAuth string `yaml:"client_auth"`
	// Backend is the TLS client side, for https:// backends and endpoints.
	Backend BackendTLS `yaml:"backend"`
}

// CertPair is a certificate (chain) file and its private key file.
type CertPair struct {
	Cert  string   `yaml:"cert"`
	Key   string   `yaml:"key"`
	Hosts []string `yaml:"hosts"`
}

// BackendTLS is what the gateway trusts and presents when it calls an
// https backend. Empty CA: the system roots. Cert and Key: a client
// certificate for backends that require one.
type BackendTLS struct {
	CA   string `yaml:"ca"`
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
}

// Enabled reports whether the HTTPS listener runs: some certificate is
// configured.
func (t TLS) Enabled() bool { return len(t.Certificates) > 0 || t.Default != nil }

// Set reports whether the backend side is configured at all.
func (b BackendTLS) Set() bool { return b.CA != "" || b.Cert != "" || b.Key != "" }

func (t *TLS) defaults() {
	t.ClientAuth = strings.ToLower(strings.TrimSpace(t.ClientAuth))
	if t.ClientCA != "" {
		setStr(&t.ClientAuth, ClientAuthRequest)
	}
	for i := range t.Certificates {
		for j, h := range t.Certificates[i].Hosts {
			t.Certificates[i].Hosts[j] = strings.ToLower(strings.TrimSpace(h))
		}
	}
}

// resolve makes every file path absolute against dir (the config's folder).
func (t *TLS) resolve(dir string) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	for i := range t.Certificates {
		abs(&t.Certificates[i].Cert)
		abs(&t.Certificates[i].Key)
	}
	if t.Default != nil {
		abs(&t.Default.Cert)
		abs(&t.Default.Key)
	}
	abs(&t.ClientCA)
	abs(&t.Backend.CA)
	abs(&t.Backend.Cert)
	abs(&t.Backend.Key)
}

// validate checks the shape; the files are read when the listener is built.
func (t TLS) validate(p *problems, l Listen) {
	for i, c := range t.Certificates {
		c.validate(p, "tls.certificates["+itoa(i)+"]")
	}
	if t.Default != nil {
		t.Default.validate(p, "tls.default")
		if len(t.Default.Hosts) > 0 {
			p.add("tls.default: hosts: the default pair serves every name no other pair claims; list hosts in tls.certificates")
		}
	}
	if t.Enabled() && l.HTTPS == "" {
		p.add("listen.https: empty address")
	}
	if t.Enabled() && l.HTTPS == l.HTTP && !strings.HasSuffix(l.HTTP, ":0") {
		p.add("listen.https: %q is also listen.http", l.HTTPS)
	}
	switch {
	case t.ClientCA == "" && t.ClientAuth != "":
		p.add("tls.client_auth: %q needs tls.client_ca", t.ClientAuth)
	case t.ClientCA != "" && t.ClientAuth != ClientAuthRequest && t.ClientAuth != ClientAuthRequire:
		p.add("tls.client_auth: %q is not request or require", t.ClientAuth)
	case t.ClientCA != "" && !t.Enabled():
		p.add("tls.client_ca: no certificate is configured, so there is no HTTPS listener to ask for client certificates")
	}
	if (t.Backend.Cert == "") != (t.Backend.Key == "") {
		p.add("tls.backend: cert and key go together")
	}
}

func (c CertPair) validate(p *problems, at string) {
	if c.Cert == "" || c.Key == "" {
		p.add("%s: cert and key are both required", at)
	}
	for j, h := range c.Hosts {
		name := strings.TrimPrefix(h, "*.")
		if !validDomain(name) {
			p.add("%s: hosts[%d]: %q is not a host name (lower-case DNS name, optionally *.)", at, j, h)
		}
	}
}

// Files lists every server-side file (pairs and client CA), for watching.
func (t TLS) Files() []string {
	var out []string
	for _, c := range t.Certificates {
		out = append(out, c.Cert, c.Key)
	}
	if t.Default != nil {
		out = append(out, t.Default.Cert, t.Default.Key)
	}
	if t.ClientCA != "" {
		out = append(out, t.ClientCA)
	}
	return out
}
