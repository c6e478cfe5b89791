package runtime

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/seqgate/seqgate/deploy/config"
)

// ConfigError is a start failure caused by a config value (a repository
// that is not there, a port in use): `seqgate run` prints it as one line
// naming the key (config.Locate finds its line) and exits 2, like a config
// that does not parse.
type ConfigError struct{ Key, Msg string }

func (e *ConfigError) Error() string { return e.Key + ": " + e.Msg }

// repositoryError names the config key behind a repository that cannot
// be opened.
func repositoryError(cfg *config.Config, err error) error {
	switch {
	case cfg.Repository == "":
		return &ConfigError{"repository", "is empty or missing; set it to the folder holding repository/deployment/server/synapse-configs"}
	case errors.Is(err, fs.ErrNotExist):
		return &ConfigError{"repository", cfg.Repository + " does not exist"}
	}
	return &ConfigError{"repository", cfg.Repository + ": " + strings.TrimPrefix(err.Error(), "deploy: ")}
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
