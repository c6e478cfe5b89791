package authn

import (
	"crypto"
	"fmt"
	"os"
	"strings"

	"go.uber.org/zap"

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
		warnSharedSigner(cfg, s.SignedKeys, reg)
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

// warnSharedSigner flags JWT issuers whose tokens a signed API key could
// pass for: the same iss (or api_keys.issuer unset: any iss), or the same
// static public key, as API-M's default setup has. Such keys are refused
// as bearer tokens by their claims (apiKeyClaims), but the overlap is worth
// knowing: a key API-M issues without those claims would pass.
func warnSharedSigner(cfg *config.Config, sk *SignedKeyVerifier, reg *Registry) {
	if reg == nil {
		return
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	for i := range cfg.Security.JWT.Issuers {
		is := &cfg.Security.JWT.Issuers[i]
		why := ""
		switch {
		case cfg.Security.APIKeys.Issuer == "":
			why = "security.api_keys.issuer is unset, so a signed API key may carry any iss"
		case cfg.Security.APIKeys.Issuer == is.Issuer:
			why = "security.api_keys.issuer is this issuer's iss"
		case is.PublicKeyFile != "":
			if k, err := LoadPublicKey(resolve(cfg.Dir, is.PublicKeyFile)); err == nil {
				if e, ok := sk.key.(equaler); ok && e.Equal(k) {
					why = "security.api_keys.public_key_file holds this issuer's key"
				}
			}
		}
		if why == "" {
			continue
		}
		reg.log.Warn("signed API keys and OAuth2 tokens share a signer: a signed API key (subscribedAPIs or "+
			"token_type apiKey) is refused as a bearer token of this issuer; set security.api_keys.issuer to the "+
			"Developer Portal's own iss", zap.String("issuer", is.Name), zap.Int("jwt_issuer_index", i), zap.String("reason", why))
	}
}
