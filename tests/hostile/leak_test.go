package hostile

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestErrorAnswersLeakNothing: the gateway's default 5xx answer gives a
// fixed description and a correlation id, never the backend's URL (with
// its query token), the dial error, a sequence name or an expression; the
// log holds the detail under the same id (issue 13 item 13a).
func TestErrorAnswersLeakNothing(t *testing.T) {
	closed := freePort(t) // nothing listens there: connection refused
	g := startSpec(t, spec{
		seqs: map[string]string{"broken.xml": apiSeq("Broken",
			`<property name="n" expression="concat('sec', 'ret-expr-', $trp:X-In)" type="INTEGER"/>`)},
		apis: []apiSpec{
			{name: "Down", ctx: "/down", backend: "http://" + closed + "/svc?token=s3cr3t-tok"},
			{name: "Broken", ctx: "/broken"},
		},
	})
	idRE := regexp.MustCompile(`correlation id (urn:uuid:[0-9a-f-]{36})`)
	cases := []struct {
		name, path string
		want       int
		secrets    []string // must not be in the answer; the first must be in the log line of the id
	}{
		{"backend refused", "/down/v1/x", 502, []string{"refused", "s3cr3t-tok", closed, "dial", "/svc"}},
		{"sequence failed", "/broken/v1/x", 500, []string{"secret-expr-", "concat(", "admin--Broken", "INTEGER"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := send(t, g.traffic, req("GET", c.path, "X-In: 1", "Connection: close"), 10*time.Second)
			if r.status != c.want {
				t.Fatalf("status %d, want %d; body %q", r.status, c.want, tail(r.body, 300))
			}
			var b struct{ Code, Message, Description string }
			if err := json.Unmarshal([]byte(r.body), &b); err != nil {
				t.Fatalf("body %q: %v", r.body, err)
			}
			for _, s := range c.secrets {
				if strings.Contains(r.body, s) {
					t.Errorf("the answer leaks %q: %s", s, r.body)
				}
			}
			m := idRE.FindStringSubmatch(b.Description)
			if m == nil {
				t.Fatalf("description %q: want a correlation id", b.Description)
			}
			// The id is on two lines (the error with its detail, the usage
			// event); wait for the one with the detail, whichever comes first.
			var lines []string
			found := false
			deadline := time.Now().Add(5 * time.Second)
			for !found && time.Now().Before(deadline) {
				lines = lines[:0]
				for _, l := range strings.Split(g.stderr.String(), "\n") {
					if strings.Contains(l, m[1]) {
						lines = append(lines, l)
						found = found || strings.Contains(l, c.secrets[0])
					}
				}
				time.Sleep(50 * time.Millisecond)
			}
			if !found {
				t.Errorf("log lines of %s %q: want the detail (%q) in one", m[1], lines, c.secrets[0])
			}
		})
	}
	g.alive()
}

// TestLogRedactsCredentials: <log level="headers"> writes credentials as
// *** (the trace's list), other headers as they are (issue 13 item 13b).
func TestLogRedactsCredentials(t *testing.T) {
	g := startSpec(t, spec{
		seqs: map[string]string{"loghdr.xml": apiSeq("LogHdr", `<log level="headers"/>`)},
		apis: []apiSpec{{name: "LogHdr", ctx: "/loghdr"}},
	})
	secrets := []string{"apikey: ak-SECRET-1", "Authorization: Bearer tok-SECRET-2", "Cookie: sid=SECRET-3",
		"Proxy-Authorization: Basic SECRET-4", "X-Api-Key: SECRET-5"}
	r := send(t, g.traffic, req("GET", "/loghdr/v1/x", append(secrets, "X-Visible: shown-value", "Connection: close")...), 5*time.Second)
	if r.status != 200 {
		t.Fatalf("status %d body %q", r.status, tail(r.body, 300))
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(g.stderr.String(), "shown-value") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	log := g.stderr.String()
	if !strings.Contains(log, "shown-value") || !strings.Contains(log, "***") {
		t.Fatalf("no header log line with a redaction: %s", tail(log, 2000))
	}
	for i := range secrets {
		if s := fmt.Sprintf("SECRET-%d", i+1); strings.Contains(log, s) {
			t.Errorf("the log holds %s: %s", s, tail(log, 2000))
		}
	}
}

// TestConsoleLogLines: with log.format console, client data with CR/LF in
// a logged body stays on its line, escaped: it cannot forge a log line
// (issue 13 item 13c).
func TestConsoleLogLines(t *testing.T) {
	g := startSpec(t, spec{
		extra: func(string) string { return "log: {format: console}\n" },
		seqs:  map[string]string{"logfull.xml": apiSeq("LogCon", `<log level="full"/>`)},
		apis:  []apiSpec{{name: "LogCon", ctx: "/logcon"}},
	})
	forged := "2026-01-01T00:00:00.000Z\tERROR\tforged: admin password changed"
	body := "hello\r\n" + forged + "\n\x1b[2Jcleared"
	r := send(t, g.traffic, req("POST", "/logcon/v1/x", "Content-Type: text/plain",
		fmt.Sprintf("Content-Length: %d", len(body)), "Connection: close")+body, 5*time.Second)
	if r.status != 200 {
		t.Fatalf("status %d body %q", r.status, tail(r.body, 300))
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(g.stderr.String(), "forged") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	log := g.stderr.String()
	if !strings.Contains(log, `hello\r\n2026-01-01T00:00:00.000Z\tERROR\tforged`) {
		t.Errorf("want the body escaped on one line: %s", tail(log, 2000))
	}
	for _, l := range strings.Split(log, "\n") {
		if strings.HasPrefix(l, "2026-01-01") || strings.Contains(l, "\x1b") {
			t.Errorf("forged or raw control line %q", l)
		}
	}
}
