package hostile

import (
	"strings"
	"testing"
	"time"
)

// TestMalformedHeaderNotLogged: fasthttp refuses a header line without a
// colon or with a control byte and logs why, quoting the line; the
// gateway's log must say what class of error it was, never the bytes (a
// mistyped Authorization line holds a credential).
func TestMalformedHeaderNotLogged(t *testing.T) {
	g := startGateway(t, "")
	raws := []string{
		"GET /echo/v1/x HTTP/1.1\r\nHost: x\r\nAuthorization Bearer SECRET-NO-COLON\r\n\r\n",
		"GET /echo/v1/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer SECRET-\x01CONTROL\r\n\r\n",
		"GET /echo/v1/x HTTP/1.1\r\nHost: x\r\nX-Api: SECRET-\x7fDEL\r\n\r\n",
		"GET /echo/v1/x HTTP/1.1\r\nHost: x\r\nApikey SECRET-KEY-NO-COLON\r\n\r\n",
	}
	for _, raw := range raws {
		if r := send(t, g.traffic, raw, 2*time.Second); r.status != 400 {
			t.Errorf("status %d for %q, want 400", r.status, raw)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && strings.Count(g.stderr.String(), "error when serving connection") < len(raws) {
		time.Sleep(50 * time.Millisecond)
	}
	log := g.stderr.String()
	if n := strings.Count(log, "error when serving connection"); n < len(raws) {
		t.Fatalf("%d of %d refusals logged (the log is how the bytes leaked):\n%s", n, len(raws), tail(log, 3000))
	}
	if strings.Contains(log, "SECRET") {
		t.Errorf("a credential from a malformed header line is in the log:\n%s", tail(log, 3000))
	}
	g.alive()
}
