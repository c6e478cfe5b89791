package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// accessLine is one json access log line.
type accessLine struct {
	Time          string  `json:"time"`
	Remote        string  `json:"remote"`
	Method        string  `json:"method"`
	Path          string  `json:"path"`
	Status        int     `json:"status"`
	BytesIn       *int64  `json:"bytes_in"`
	BytesOut      *int64  `json:"bytes_out"`
	LatencyMS     float64 `json:"latency_ms"`
	UserAgent     string  `json:"user_agent"`
	User          string  `json:"user"`
	Tenant        string  `json:"tenant"`
	API           string  `json:"api"`
	Resource      string  `json:"resource"`
	CorrelationID string  `json:"correlation_id"`
}

// readAccess waits until the access log holds n lines and returns them.
func readAccess(t *testing.T, path string, n int) []string {
	t.Helper()
	var lines []string
	waitFor(t, "access log lines", 10*time.Second, func() bool {
		b, _ := os.ReadFile(path)
		lines = strings.Split(strings.TrimSpace(string(b)), "\n")
		return len(b) > 0 && len(lines) >= n
	})
	return lines
}

// TestAccessLogJSON: with access_log on, every answered request gets a
// line: a 200 with its API, resource, user, bytes and the user agent; a
// 404 with the path the client asked for (the analytics event only says
// _unmatched_); a throttled 429. The query string stays out (it may carry
// a key).
func TestAccessLogJSON(t *testing.T) {
	t.Parallel()
	logPath := filepath.Join(t.TempDir(), "access.log")
	tiny := api("Tiny", "/tiny")
	tiny.Tier = "Tiny"
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI(), tiny},
		Extra: map[string]any{"access_log": map[string]any{"enabled": true, "output": logPath}}},
		seqFile{0, "corr.xml", seq("WSO2AM--Ext--In", `<property name="correlation_id" expression="$trp:X-Correlation-ID"/>`)})

	ok := g.doReq("GET", "/orders/1.0.0/42?apikey=secret-in-query", withKey(keyApp1, "User-Agent", "probe/1.0", "X-Correlation-ID", "c-1"), "")
	if ok.Status != http.StatusOK {
		t.Fatalf("GET orders: %d %s", ok.Status, ok.Body)
	}
	nf := g.doReq("GET", "/nowhere/at/all", map[string]string{"User-Agent": "probe/1.0"}, "")
	if nf.Status != http.StatusNotFound {
		t.Fatalf("GET /nowhere: %d", nf.Status)
	}
	statuses := []int{}
	for i := 0; i < 4; i++ {
		statuses = append(statuses, g.doReq("GET", "/tiny/1.0.0/1", withKey(keyApp1), "").Status)
	}
	if statuses[3] != http.StatusTooManyRequests {
		t.Fatalf("tiny statuses %v, want the 4th throttled", statuses)
	}

	lines := readAccess(t, logPath, 6)
	t.Log(strings.Join(lines, "\n"))
	var got []accessLine
	for _, l := range lines {
		var a accessLine
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("access log line is not JSON: %v: %s", err, l)
		}
		got = append(got, a)
	}
	first := got[0]
	if first.Method != "GET" || first.Path != "/orders/1.0.0/42" || first.Status != 200 || first.UserAgent != "probe/1.0" ||
		first.Tenant != "carbon.super" || first.API != "admin--Orders:v1.0.0" || first.Resource != "/{id}" ||
		first.User != "alice" || first.BytesOut == nil || *first.BytesOut != int64(len(ok.Body)) ||
		first.Remote != "127.0.0.1" || first.LatencyMS <= 0 || first.Time == "" || first.CorrelationID != "c-1" ||
		first.BytesIn == nil || *first.BytesIn != 0 {
		t.Errorf("200 line: %+v\n%s", first, lines[0])
	}
	if strings.Contains(lines[0], "secret-in-query") {
		t.Errorf("the query string (an API key) reached the access log: %s", lines[0])
	}
	second := got[1]
	if second.Path != "/nowhere/at/all" || second.Status != 404 || second.API != "" || second.Resource != "" {
		t.Errorf("404 line: %+v\n%s", second, lines[1])
	}
	last := got[5]
	if last.Status != 429 || last.Path != "/tiny/1.0.0/1" || last.API != "admin--Tiny:v1.0.0" {
		t.Errorf("429 line: %+v\n%s", last, lines[5])
	}
	// The counters: six lines written, none dropped.
	_, _, body := get(g.client, g.admin+"/metrics")
	if !containsAll(string(body), "seqgate_access_log_lines_total 6", "seqgate_access_log_dropped_total 0") {
		t.Errorf("/metrics lacks the access log counters:\n%s", grepLines(string(body), "access_log"))
	}
}

// TestAccessLogCombined: format combined is Apache's combined line with
// the gateway's fields after it; a client's quote or newline in its user
// agent cannot start a forged field or line.
func TestAccessLogCombined(t *testing.T) {
	t.Parallel()
	logPath := filepath.Join(t.TempDir(), "access.log")
	g := startGateway(t, gwConfig{
		Extra: map[string]any{"access_log": map[string]any{"enabled": true, "output": logPath, "format": "combined"}}})
	g.doReq("GET", "/orders/1.0.0/public/x", map[string]string{"User-Agent": `evil" 200 "x`, "Referer": "http://ref.example/"}, "")
	g.doReq("GET", "/nowhere", nil, "")
	lines := readAccess(t, logPath, 2)
	want := regexp.MustCompile(`^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET /orders/1\.0\.0/public/x HTTP/1\.1" 200 \d+ "http://ref\.example/" "evil\\x22 200 \\x22x" latency_ms=[0-9.]+ tenant=carbon\.super api=admin--Orders:v1\.0\.0 resource=/public/\* correlation_id=- bytes_in=0$`)
	if !want.MatchString(lines[0]) {
		t.Errorf("combined 200 line:\n%s\nwant it to match\n%s", lines[0], want)
	}
	if !strings.Contains(lines[1], `"GET /nowhere HTTP/1.1" 404 `) || !strings.Contains(lines[1], " api=- resource=- ") {
		t.Errorf("combined 404 line: %s", lines[1])
	}
}

// grepLines keeps the lines of s holding sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestAccessLogCorrelatesErrors: a 5xx answer tells the client a
// correlation id instead of the detail; the access log line of that
// request carries the same id, so the operator finds it.
func TestAccessLogCorrelatesErrors(t *testing.T) {
	t.Parallel()
	logPath := filepath.Join(t.TempDir(), "access.log")
	g := startGateway(t, gwConfig{Extra: map[string]any{"access_log": map[string]any{"enabled": true, "output": logPath}}},
		seqFile{0, "dead.xml", seq("admin--Orders:v1.0.0--In",
			`<send><endpoint><address uri="http://`+closedPort(t)+`/"/></endpoint></send>`)})
	r := g.doReq("GET", "/orders/1.0.0/1", withKey(keyApp1), "")
	m := regexp.MustCompile(`correlation id (\S+?)"`).FindSubmatch(r.Body)
	if r.Status < 500 || m == nil {
		t.Fatalf("dead endpoint: %d %s; want a 5xx naming a correlation id", r.Status, r.Body)
	}
	lines := readAccess(t, logPath, 1)
	var a accessLine
	if err := json.Unmarshal([]byte(lines[0]), &a); err != nil {
		t.Fatal(err)
	}
	if a.Status != r.Status || a.CorrelationID != string(m[1]) {
		t.Errorf("access line %s\nwant status %d and correlation_id %s", lines[0], r.Status, m[1])
	}
}
