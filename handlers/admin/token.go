package admin

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// RequireToken guards every path of next but /healthz and /readyz (the
// probes of load balancers and Kubernetes, which reveal nothing) and the
// web console's static files (ConsolePath: the same public page in every
// binary, which asks for the token and sends it on each API call) with
// "Authorization: Bearer <token>". An empty token returns next unchanged:
// config validation only allows that on a loopback address.
//
// Both sides are hashed before the constant-time comparison, so neither the
// content nor the length of the token leaks through timing.
func RequireToken(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || ConsolePath(r) {
			next.ServeHTTP(w, r)
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="seqgate-admin"`)
			http.Error(w, "admin token required", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
