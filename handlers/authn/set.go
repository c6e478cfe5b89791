package authn

import (
	"fmt"
	"os"
	"strings"

	"github.com/seqgate/seqgate/deploy/config"
)

// Set is every verifier a config generation uses; a nil field is a
// method or feature the config does not set up.
type Set struct {
	JWT          *JWTVerifier       // security.jwt.issuers
	Introspector *Introspector      // security.introspection.url
	SignedKeys   *SignedKeyVerifier // security.api_keys.public_key_file
	Basic        *BasicVerifier     // security.basic.users
	Backend      *BackendSigner     // security.backend_jwt.enabled
}

// New builds the verifiers of a validated cfg. Files are read now (paths
// relative to cfg.Dir); JWKS fetchers and introspectors come from reg,
// which keeps them across reloads.
func New(cfg *config.Config, reg *Registry) (*Set, error) {
	sec := &cfg.Security
	s := &Set{}
	var err error
	if len(sec.JWT.Issuers) > 0 {
		if s.JWT, err = NewJWTVerifier(&sec.JWT, cfg.Dir, reg); err != nil {
			return nil, err
		}
	}
	if in := sec.Introspection; in.URL != "" {
		secret := in.ClientSecret
		if in.ClientSecretFile != "" {
			b, err := os.ReadFile(resolve(cfg.Dir, in.ClientSecretFile))
			if err != nil {
				return nil, fmt.Errorf("security.introspection.client_secret_file: %w", err)
			}
			secret = strings.TrimSpace(string(b))
		}
		s.Introspector = reg.Introspector(in, secret)
	}
	if sec.APIKeys.PublicKeyFile != "" {
		if s.SignedKeys, err = NewSignedKeyVerifier(&sec.APIKeys, &sec.JWT, cfg.Dir); err != nil {
			return nil, err
		}
	}
	if len(sec.Basic.Users) > 0 {
		s.Basic = NewBasicVerifier(&sec.Basic)
	}
	if sec.BackendJWT.Enabled {
		if s.Backend, err = NewBackendSigner(&sec.BackendJWT, cfg.Dir, reg); err != nil {
			return nil, err
		}
	}
	return s, nil
}
