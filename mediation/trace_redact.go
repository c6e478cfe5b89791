package mediation

import "strings"

// Redacted replaces the value of a secret-looking property or header in a
// trace, the admin log and a dry-run's echo of the backend request.
const Redacted = "***"

// secretNames are matched whole (case-insensitively); secretParts anywhere
// in a name. "key" catches apikey, x-api-key, private_key, Sec-WebSocket-Key.
var (
	secretNames = []string{"authorization", "proxy-authorization", "cookie", "set-cookie", "x-jwt-assertion"}
	secretParts = []string{"password", "passwd", "secret", "token", "key", "credential", "jwt", "session"}
	// harmlessNames contain a secret part but only ever hold a kind or a
	// label, and a trace is more useful with them readable.
	harmlessNames = []string{
		"api.ut.keytype", "keytype", "key_type", "key-type", "token_type", "tokentype",
		"token-type", "keymanager", "key_manager", "api.ut.keymanager",
	}
)

// SecretName reports whether the value of a property or header called name
// must not be shown. It errs on the side of hiding: a false positive costs
// a "***" in a debugging view, a false negative leaks a credential.
func SecretName(name string) bool {
	n := strings.ToLower(name)
	for _, h := range harmlessNames {
		if n == h {
			return false
		}
	}
	for _, s := range secretNames {
		if n == s {
			return true
		}
	}
	for _, p := range secretParts {
		if strings.Contains(n, p) {
			return true
		}
	}
	return false
}

// Redact returns value, or Redacted when name looks secret and the value
// is not empty (an empty value reveals nothing and says it was cleared).
func Redact(name, value string) string {
	if value != "" && SecretName(name) {
		return Redacted
	}
	return value
}
