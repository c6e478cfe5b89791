package torture

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// counts of the short (CI) and full runs.
const (
	shortRewrites, shortReloads = 150, 10
	fullRewrites, fullReloads   = 3000, 100
	workersPerAPI               = 4
)

const seqDir = "repository/deployment/server/synapse-configs/default/sequences"

// TestTorture: constant load on two APIs while one API's In sequence is
// rewritten N times (valid and invalid versions alternating, by rename and
// in place) and the config is reloaded M times (some reloads invalid).
// The other API never fails; every response of the changing API carries
// one complete version (three stamps set by two mediators of the In
// sequence and by the Out sequence agree, and name a valid version, never
// older than one already seen on that worker); goroutines and heap return
// to their baseline.
func TestTorture(t *testing.T) {
	n, m := shortRewrites, shortReloads
	if os.Getenv("SEQGATE_TORTURE_FULL") == "1" {
		n, m = fullRewrites, fullReloads
	}
	backend := httptest.NewServer(http.HandlerFunc(echo))
	t.Cleanup(backend.Close)
	dir := t.TempDir()
	seqs := filepath.Join(dir, seqDir)
	if err := os.MkdirAll(seqs, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(seqs, "stable_in.xml"), sequence("admin--Stable:v1.0.0--In", `<header name="X-Stable" scope="transport" value="yes"/>`), true)
	writeFile(t, filepath.Join(seqs, "chg_out.xml"), sequence("admin--Chg:v1.0.0--Out", `<header name="X-Stamp-C" scope="transport" expression="$ctx:stamp"/>`), true)
	chgIn := filepath.Join(seqs, "chg_in.xml")
	writeFile(t, chgIn, version(0), true)
	traffic, admin := freePort(t), freePort(t)
	cfgPath := filepath.Join(dir, "config.yaml")
	cfg := configWriter{path: cfgPath, traffic: traffic, admin: admin, backend: backend.URL}
	cfg.write(t, 0, true)
	p := start(t, cfgPath, traffic, admin)

	base := warmUp(t, p)
	l := newLoad(p.base)
	l.start()
	start := time.Now()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); rewriteSequences(t, chgIn, n) }()
	go func() { defer wg.Done(); reloadConfig(t, p, &cfg, m) }()
	wg.Wait()
	final := 2 * n // a valid version newer than any written
	writeFile(t, chgIn, version(final), true)
	waitStamp(t, p.base, final)
	l.stop()
	took := time.Since(start)

	l.report(t, took)
	t.Logf("torture: %d sequence rewrites, %d config reloads (%d invalid); %d refusals logged",
		n, m, m/4, strings.Count(readFile(p.logPath), "sequence refused"))
	if l.stableFail.Load() != 0 || l.chgFail.Load() != 0 {
		t.Errorf("failed requests: stable API %d, changing API %d; first: %s", l.stableFail.Load(), l.chgFail.Load(), l.firstErr())
	}
	if l.chgOK.Load() == 0 || l.stableOK.Load() == 0 {
		t.Fatalf("no load went through: stable %d, changing %d", l.stableOK.Load(), l.chgOK.Load())
	}
	var st configStatus
	p.adminJSON("/admin/config", &st)
	if st.Generation != 1+(m-m/4) {
		t.Errorf("config generation %d, want %d (1 + %d valid reloads)", st.Generation, 1+(m-m/4), m-m/4)
	}
	checkBaseline(t, p, base)
}

// sequence wraps body in a named sequence.
func sequence(name, body string) string {
	return `<sequence xmlns="http://ws.apache.org/ns/synapse" name="` + name + `">` + body + `</sequence>`
}

// version is the changing API's In sequence at version v: even versions are
// valid (three stamps of v), odd ones are not (an unknown mediator, or the
// file cut short), so the last even version keeps serving.
func version(v int) string {
	s := "v" + strconv.Itoa(v)
	switch {
	case v%2 == 0:
		return sequence("admin--Chg:v1.0.0--In", `<property name="stamp" value="`+s+`"/>
  <header name="X-Stamp-A" scope="transport" value="`+s+`"/>
  <log level="custom" category="DEBUG"><property name="v" expression="$ctx:stamp"/></log>
  <header name="X-Stamp-B" scope="transport" expression="$ctx:stamp"/>`)
	case v%4 == 1:
		return sequence("admin--Chg:v1.0.0--In", `<header name="X-Stamp-A" scope="transport" value="`+s+`"/><noSuchMediator/>`)
	}
	return `<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--Chg:v1.0.0--In"><header name="X-Stamp-A" scope="transport" value="` + s + `"/>`
}

// echo is the backend: it answers 200 and echoes the stamps and X-Stable.
func echo(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	for _, h := range []string{"X-Stamp-A", "X-Stamp-B", "X-Stable"} {
		if v := r.Header.Get(h); v != "" {
			w.Header().Set("Echo-"+h, v)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"ok":true}`))
}

// rewriteSequences writes versions 1..n, alternating by rename and in place.
func rewriteSequences(t *testing.T, path string, n int) {
	for v := 1; v <= n; v++ {
		writeFile(t, path, version(v), v%3 != 0)
		if v%3 == 0 { // every kind of version (v mod 4) gets its turn
			time.Sleep(60 * time.Millisecond) // past the deploy debounce: this version deploys
		} else {
			time.Sleep(2 * time.Millisecond) // gathered with the next writes
		}
	}
}

// reloadConfig rewrites the config m times and waits for each to be seen:
// every fourth is invalid (refused, the running one stays), the others
// move an extra API to a new context.
func reloadConfig(t *testing.T, p *proc, c *configWriter, m int) {
	for i := 1; i <= m; i++ {
		var before configStatus
		p.adminJSON("/admin/config", &before)
		valid := i%4 != 0
		c.write(t, i, valid)
		deadline := time.Now().Add(5 * time.Second)
		for {
			var now configStatus
			p.adminJSON("/admin/config", &now)
			if valid && now.Generation > before.Generation || !valid && now.LastAttempt.After(before.LastAttempt) && now.LastError != "" {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("reload %d (valid %v) not applied in 5s: %+v", i, valid, now)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		if valid {
			checkStatus(t, p.base+fmt.Sprintf("/extra%d/1.0.0/x", i), 200)
		}
	}
}

// configWriter writes generation i of the config.
type configWriter struct {
	path, traffic, admin, backend string
}

func (c *configWriter) write(t *testing.T, i int, valid bool) {
	extraBackend := c.backend
	if !valid {
		extraBackend = "ftp://nowhere"
	}
	yaml := fmt.Sprintf(`listen: { http: %q, admin: %q }
repository: .
log: { level: warn }
usage: { events: false }
lifecycle: { drain_delay: 0s }
apis:
  - { provider: admin, name: Stable, version: 1.0.0, context: /stable, auth: none, backend: [ %q ] }
  - { provider: admin, name: Chg, version: 1.0.0, context: /chg, auth: none, backend: [ %q ] }
  - { provider: admin, name: Extra, version: 1.0.0, context: /extra%d, auth: none, backend: [ %q ] }
`, c.traffic, c.admin, c.backend, c.backend, i, extraBackend)
	writeFile(t, c.path, yaml, true)
}

func checkStatus(t *testing.T, url string, want int) {
	resp, err := http.Get(url)
	if err != nil {
		t.Errorf("GET %s: %v", url, err)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Errorf("GET %s: %d, want %d", url, resp.StatusCode, want)
	}
}

// waitStamp waits until the changing API serves version v.
func waitStamp(t *testing.T, base string, v int) {
	want := "v" + strconv.Itoa(v)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/chg/1.0.0/x")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.Header.Get("X-Stamp-C") == want {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("version %s never served", want)
}

// stampNumber parses "v<n>".
func stampNumber(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(s, "v"))
	return n, err == nil && strings.HasPrefix(s, "v")
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}
