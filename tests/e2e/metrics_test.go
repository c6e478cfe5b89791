package e2e

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scrape returns /metrics as text.
func (g *gateway) scrape() string {
	_, _, body := get(g.client, g.admin+"/metrics")
	return string(body)
}

// metricValue is the value of the series whose line starts with series
// (name and labels exactly as exposed); -1 when absent.
func metricValue(text, series string) float64 {
	for _, l := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(l, series+" "); ok {
			v, err := strconv.ParseFloat(rest, 64)
			if err == nil {
				return v
			}
		}
	}
	return -1
}

// buckets lists the le bounds of a histogram series (labels before le).
func buckets(text, name, labels string) []string {
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(name+"_bucket{"+labels+",le=\"") + `([^"]+)"`)
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if m := re.FindStringSubmatch(l); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// TestMetrics: the duration histograms have buckets where their values
// are (mediation from 5 µs, not Prometheus's 5 ms default), the backend
// histogram counts only requests that called the backend, and the
// process reports its build, its sequence files by state, config reloads
// and throttled requests.
func TestMetrics(t *testing.T) {
	t.Parallel()
	tiny := api("Tiny", "/tiny")
	tiny.Tier = "Tiny"
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI(), tiny}},
		seqFile{0, "global_in.xml", seq("WSO2AM--Ext--In", setHeader("X-A", "1"))})
	const orders = `api="admin--Orders:v1.0.0",tenant="carbon.super"`

	if r := g.doReq("GET", "/orders/1.0.0/1", withKey(keyApp1), ""); r.Status != http.StatusOK {
		t.Fatalf("GET orders: %d %s", r.Status, r.Body)
	}
	if r := g.doReq("GET", "/orders/1.0.0/1", nil, ""); r.Status != http.StatusUnauthorized { // answered by the gateway
		t.Fatalf("GET orders without a key: %d", r.Status)
	}
	for i := 0; i < 4; i++ {
		g.doReq("GET", "/tiny/1.0.0/1", withKey(keyApp1), "")
	}
	m := g.scrape()

	wantMediation := "5e-06 1e-05 2.5e-05 5e-05 0.0001 0.00025 0.0005 0.001 0.0025 0.005 0.01 0.025 0.05 0.1 +Inf"
	if got := strings.Join(buckets(m, "seqgate_mediation_duration_seconds", orders), " "); got != wantMediation {
		t.Errorf("mediation buckets: %s\nwant %s", got, wantMediation)
	}
	if got := buckets(m, "seqgate_backend_duration_seconds", orders); len(got) < 2 || got[0] != "0.0005" || got[len(got)-2] != "60" {
		t.Errorf("backend buckets: %v, want 0.0005 … 60", got)
	}
	if got := buckets(m, "seqgate_request_duration_seconds", orders); len(got) < 2 || got[0] != "5e-05" || got[len(got)-2] != "60" {
		t.Errorf("request buckets: %v, want 5e-05 … 60", got)
	}
	// Two requests (200 and 401), one backend call, one mediation run (the 401 ended before the extension handler).
	for series, want := range map[string]float64{
		`seqgate_request_duration_seconds_count{` + orders + `}`:                                                2,
		`seqgate_backend_duration_seconds_count{` + orders + `}`:                                                1,
		`seqgate_mediation_duration_seconds_count{` + orders + `}`:                                              1,
		`seqgate_throttled_requests_total{api="admin--Tiny:v1.0.0",level="subscription",tenant="carbon.super"}`: 1,
		`seqgate_sequence_files{state="active",tenant="carbon.super"}`:                                          1,
		`seqgate_sequence_files{state="refused",tenant="carbon.super"}`:                                         0,
		`seqgate_sequence_files{state="serving_last_good",tenant="carbon.super"}`:                               0,
		`seqgate_sequence_files{state="active",tenant="acme.com"}`:                                              0,
		`seqgate_config_reloads_total{result="ok"}`:                                                             0,
		`seqgate_config_reloads_total{result="failed"}`:                                                         0,
	} {
		if got := metricValue(m, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if !regexp.MustCompile(`(?m)^seqgate_build_info\{commit="[^"]+",goversion="go[^"]+",version="[^"]+"\} 1$`).MatchString(m) {
		t.Errorf("no seqgate_build_info:\n%s", grepLines(m, "build_info"))
	}
	// The mediation observation is in the microsecond range: some bucket below 5 ms holds it.
	if v := metricValue(m, `seqgate_mediation_duration_seconds_bucket{`+orders+`,le="0.0025"}`); v != 1 {
		t.Errorf("mediation bucket le=0.0025 = %v, want the one run below 2.5 ms", v)
	}

	// A broken new file is refused; breaking the deployed one leaves its last good version serving.
	writeSeq(t, g.superDir, "bad.xml", "<sequence")
	writeSeq(t, g.superDir, "global_in.xml", seq("WSO2AM--Ext--In", "<nosuchmediator/>"))
	waitFor(t, "the file states in /metrics", 10*time.Second, func() bool {
		m := g.scrape()
		return metricValue(m, `seqgate_sequence_files{state="refused",tenant="carbon.super"}`) == 1 &&
			metricValue(m, `seqgate_sequence_files{state="serving_last_good",tenant="carbon.super"}`) == 1 &&
			metricValue(m, `seqgate_sequence_files{state="active",tenant="carbon.super"}`) == 0
	})

	// Reloads: one that works, one that is refused.
	if st, _, body := post(g.client, g.admin+"/admin/config/reload"); st != http.StatusOK {
		t.Fatalf("reload: %d %s", st, body)
	}
	cfgPath := filepath.Join(strings.SplitN(g.superDir, string(filepath.Separator)+"home"+string(filepath.Separator), 2)[0], "config.yaml")
	writeFile(t, cfgPath, "listen: [not, a, map]\n")
	waitFor(t, "a failed reload counted", 10*time.Second, func() bool {
		post(g.client, g.admin+"/admin/config/reload")
		m := g.scrape()
		return metricValue(m, `seqgate_config_reloads_total{result="ok"}`) == 1 &&
			metricValue(m, `seqgate_config_reloads_total{result="failed"}`) >= 1
	})
}

// post is a bare POST with no body for admin endpoints; errors read as status 0.
func post(c *http.Client, url string) (int, http.Header, []byte) {
	resp, err := c.Post(url, "", nil)
	if err != nil {
		return 0, nil, nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp.StatusCode, resp.Header, body
}
