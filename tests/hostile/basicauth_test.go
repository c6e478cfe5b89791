package hostile

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Attacks on authentication (issue 20) here, in authlog_test.go and in
// oauth_test.go: a bcrypt flood, passwords past bcrypt's 72 bytes, a
// signed API key used as a bearer token, credentials in malformed header
// lines, an introspection stampede and a JWKS rotation behind a slow
// identity provider under a flood of made-up kids. Every test runs with
// the default security limits (documented in SECURITY.md and
// deploy/config/README.md).

// authAPI is one more super-tenant API list item with the given auth.
func authAPI(name, ctx, auth, backend string) string {
	return fmt.Sprintf("  - {provider: admin, name: %s, version: v1, context: %s, tenant: carbon.super, auth: %s, backend: [%q]}\n",
		name, ctx, auth, backend+ctx)
}

// call sends one request with net/http and returns the status and the
// Retry-After header; err is a transport failure.
func call(c *http.Client, url string, hdr ...string) (int, string, error) {
	r, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return 0, "", err
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(r)
	if err != nil {
		return 0, "", err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After"), nil
}

func basicAuth(user, pw string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pw))
}

func bcryptOf(t *testing.T, pw string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

// basicGateway has /basic/v1 (auth basic) beside the no-auth /echo/v1,
// users ann (password "right-password") and long (72 bytes of 'L'), both
// at bcrypt's default cost 10.
func basicGateway(t *testing.T) *gateway {
	ann, long := bcryptOf(t, "right-password"), bcryptOf(t, strings.Repeat("L", 72))
	return startSpec(t, spec{extra: func(be string) string {
		return authAPI("Basic", "/basic", "basic", be) + fmt.Sprintf(`security:
  basic:
    users:
      - {name: ann, password_hash: %q}
      - {name: long, password_hash: %q}
`, ann, long)
	}})
}

// rate sends n requests to url over conns keep-alive connections, or as
// many as fit in max, and returns the requests per second; every answer
// must be 200.
func rate(t *testing.T, url string, n, conns int, max time.Duration) float64 {
	t.Helper()
	var next, ok, bad atomic.Int64
	start := time.Now()
	deadline := start.Add(max)
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 20 * time.Second}
			defer c.CloseIdleConnections()
			for next.Add(1) <= int64(n) && time.Now().Before(deadline) {
				if st, _, err := call(c, url); err != nil || st != 200 {
					bad.Add(1)
				} else {
					ok.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if b := bad.Load(); b > 0 {
		t.Errorf("%d requests to %s failed", b, url)
	}
	return float64(ok.Load()) / time.Since(start).Seconds()
}

// TestBasicAuthFlood is a bounded load test: 16 connections send wrong
// passwords (each one new, so no cache helps; ~10 per second each, at most
// 60) to a basic-auth API while requests measure the no-auth API (up to
// 3,000 requests or 3 s). That API must keep at least 25% of the rate it
// had without the flood, measured just before in the same test: generous,
// for a shared machine under -race (before the fix it kept 1%; the issue
// measured 7,373 → 45 req/s). The flood must be refused with 429/503
// beyond the bounds instead of being hashed.
func TestBasicAuthFlood(t *testing.T) {
	g := basicGateway(t)
	echo := "http://" + g.traffic + "/echo/v1/ping"
	basic := "http://" + g.traffic + "/basic/v1/x"
	const measured, conns, attackers, perAttacker, pace = 1000, 4, 16, 60, 100 * time.Millisecond
	rate(t, echo, 100, conns, time.Minute) // warm up
	quiet := rate(t, echo, measured, conns, time.Minute)

	done := make(chan struct{})
	var sent, refused, unauthorized, noRetryAfter atomic.Int64
	var wg sync.WaitGroup
	for a := range attackers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 20 * time.Second}
			defer c.CloseIdleConnections()
			for i := 0; i < perAttacker; i++ {
				if i > 0 {
					select { // ~10 req/s per connection: the attack is bcrypt, not request volume
					case <-done:
						return
					case <-time.After(pace):
					}
				}
				st, retry, err := call(c, basic, "Authorization", basicAuth("ann", fmt.Sprintf("wrong-%d-%d", a, i)))
				if err != nil {
					continue
				}
				sent.Add(1)
				switch st {
				case 429, 503:
					refused.Add(1)
					if retry == "" {
						noRetryAfter.Add(1)
					}
				case 401:
					unauthorized.Add(1)
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond) // let the flood start
	flooded := rate(t, echo, 3*measured, conns, 3*time.Second)
	close(done)
	wg.Wait()
	t.Logf("no-auth API: %.0f req/s quiet, %.0f req/s during the flood (%.0f%%); flood: %d sent, %d answered 401, %d refused 429/503",
		quiet, flooded, 100*flooded/quiet, sent.Load(), unauthorized.Load(), refused.Load())
	if flooded < 0.25*quiet {
		t.Errorf("no-auth API fell to %.0f req/s during the flood, under 25%% of %.0f req/s", flooded, quiet)
	}
	if refused.Load() == 0 {
		t.Errorf("no wrong password was refused with 429/503: every one was hashed")
	}
	if n := noRetryAfter.Load(); n > 0 {
		t.Errorf("%d refusals without Retry-After", n)
	}
	// a wrong password of the flood, repeated: refused without bcrypt
	// (remembered, or the client's failures used up), never accepted
	st, _, err := call(http.DefaultClient, basic, "Authorization", basicAuth("ann", "wrong-0-0"))
	if err != nil || (st != 401 && st != 429) {
		t.Errorf("a remembered wrong password: status %d (%v), want 401 or 429", st, err)
	}
	g.bounded()
}

// TestBasicAuthLongPassword: bcrypt reads 72 bytes of a password, so a
// longer one is refused without hashing instead of matching its first 72
// bytes.
func TestBasicAuthLongPassword(t *testing.T) {
	g := basicGateway(t)
	basic := "http://" + g.traffic + "/basic/v1/x"
	c := &http.Client{Timeout: 10 * time.Second}
	cases := []struct {
		name, user, pw string
		want           int
	}{
		{"72 bytes, right", "long", strings.Repeat("L", 72), 200},
		{"72 bytes and more", "long", strings.Repeat("L", 72) + "ANYTHING", 401},
		{"73 bytes", "long", strings.Repeat("L", 73), 401},
		{"right password", "ann", "right-password", 200},
	}
	for _, tc := range cases {
		st, _, err := call(c, basic, "Authorization", basicAuth(tc.user, tc.pw))
		if err != nil || st != tc.want {
			t.Errorf("%s: status %d (%v), want %d", tc.name, st, err, tc.want)
		}
	}
}
