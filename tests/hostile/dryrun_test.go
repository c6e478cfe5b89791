package hostile

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// dryRun posts a dry-run of GET path to the admin listener, the backend
// answered by stub (a JSON backend description), and returns the
// response the gateway would have given.
func dryRun(t *testing.T, g *gateway, path, backend string) (int, string) {
	t.Helper()
	st, body := adminCall(t, g, "POST", "/admin/dry-run", "", `{"method":"GET","path":"`+path+`","backend":`+backend+`}`,
		"Content-Type", "application/json")
	var out struct {
		Response struct {
			Status int
			Body   string
		}
	}
	if st != 200 || json.Unmarshal([]byte(body), &out) != nil {
		t.Fatalf("dry-run %s: %d %s", path, st, body)
	}
	return out.Response.Status, out.Response.Body
}

// realGet is a client's GET through the traffic listener.
func realGet(t *testing.T, g *gateway, path string) (int, string) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + g.traffic + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, resp.Body)
	return resp.StatusCode, b.String()
}

const stubAnswer = `{"status":200,"headers":{"Content-Type":"text/plain"},"body":"STUB from a dry-run"}`

// TestDryRunLeavesNoTrace: an admin dry-run changes nothing real clients
// see. Its stub answer is not stored by a <cache> collector (it was served
// to clients for the cache timeout), it does not count against a
// <throttle> mediator's quota, and a real backend failing under a dry-run
// does not suspend the endpoint for real traffic. A dry-run may read: it
// gets an answer the cache holds, and the 429 of a spent quota.
func TestDryRunLeavesNoTrace(t *testing.T) {
	var hits atomic.Int64
	var failing atomic.Bool
	be := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() { // a backend gone wrong: the connection drops, no answer
			if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
				_ = c.Close()
			}
			return
		}
		hits.Add(1)
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("real answer for " + r.URL.Path))
	}))
	t.Cleanup(be.Close)
	const ns = `xmlns="http://ws.apache.org/ns/synapse"`
	const policyNS = `xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy" xmlns:throttle="http://www.wso2.org/products/wso2commons/throttle"`
	g := startSpec(t, spec{
		apis: []apiSpec{{"Cached", "/cached", be.URL}, {"Limited", "/limited", be.URL}, {"Flaky", "/flaky", "http://127.0.0.1:9/"}},
		seqs: map[string]string{
			// headers are not hashed: a dry-run and a client asking for the
			// same URI share an entry
			"cached_in.xml":  `<sequence ` + ns + ` name="admin--Cached:vv1--In"><cache timeout="600"><protocol type="HTTP"><headersToExcludeInHash>*</headersToExcludeInHash></protocol></cache></sequence>`,
			"cached_out.xml": `<sequence ` + ns + ` name="admin--Cached:vv1--Out"><cache collector="true"/></sequence>`,
			"limited_in.xml": `<sequence ` + ns + ` name="admin--Limited:vv1--In"><throttle id="two"><policy><wsp:Policy ` + policyNS + `>
  <throttle:ThrottleAssertion><wsp:All><throttle:ID throttle:type="IP">other</throttle:ID>
    <wsp:ExactlyOne><wsp:All><throttle:Control><wsp:Policy>
      <throttle:MaximumCount>2</throttle:MaximumCount><throttle:UnitTime>600000</throttle:UnitTime>
    </wsp:Policy></throttle:Control></wsp:All></wsp:ExactlyOne></wsp:All></throttle:ThrottleAssertion>
</wsp:Policy></policy></throttle></sequence>`,
			// an endpoint that suspends for 10 minutes on its first failure
			"flaky_in.xml": `<sequence ` + ns + ` name="admin--Flaky:vv1--In"><call><endpoint><address uri="` + be.URL + `/flaky">
  <suspendOnFailure><initialDuration>600000</initialDuration><progressionFactor>1</progressionFactor></suspendOnFailure>
  <markForSuspension><retriesBeforeSuspension>0</retriesBeforeSuspension></markForSuspension>
</address></endpoint></call><respond/></sequence>`,
		},
	})

	t.Run("cache", func(t *testing.T) {
		if st, body := dryRun(t, g, "/cached/v1/item", stubAnswer); st != 200 || body != "STUB from a dry-run" {
			t.Fatalf("dry-run: %d %q, want the stub's answer", st, body)
		}
		if st, body := realGet(t, g, "/cached/v1/item"); st != 200 || body != "real answer for /item" {
			t.Errorf("real request after the dry-run: %d %q, want the real backend's answer", st, body)
		}
		before := hits.Load()
		if _, body := realGet(t, g, "/cached/v1/item"); body != "real answer for /item" || hits.Load() != before {
			t.Errorf("second real request: %q, backend hits %d -> %d; want a cache hit", body, before, hits.Load())
		}
		if st, body := dryRun(t, g, "/cached/v1/item", stubAnswer); st != 200 || body != "real answer for /item" {
			t.Errorf("dry-run after real traffic: %d %q, want the cached real answer (a dry-run may read)", st, body)
		}
	})

	t.Run("throttle", func(t *testing.T) {
		for i := range 3 {
			if st, body := dryRun(t, g, "/limited/v1/a", stubAnswer); st != 200 {
				t.Fatalf("dry-run %d: %d %s, want 200 (dry-runs count nothing)", i, st, body)
			}
		}
		for i := range 2 {
			if st, body := realGet(t, g, "/limited/v1/a"); st != 200 {
				t.Fatalf("real request %d after 3 dry-runs: %d %s, want 200 (the quota of 2 untouched)", i, st, body)
			}
		}
		if st, _ := realGet(t, g, "/limited/v1/a"); st != 429 {
			t.Errorf("third real request: %d, want 429", st)
		}
		if st, _ := dryRun(t, g, "/limited/v1/a", stubAnswer); st != 429 {
			t.Errorf("dry-run with the quota spent: %d, want the 429 a real request gets", st)
		}
	})

	t.Run("endpoint suspension", func(t *testing.T) {
		failing.Store(true)
		if st, _ := dryRun(t, g, "/flaky/v1/x", `"real"`); st == 200 {
			t.Fatalf("dry-run against the failing backend: 200, want a failure")
		}
		failing.Store(false)
		if st, body := realGet(t, g, "/flaky/v1/x"); st != 200 || !strings.HasPrefix(body, "real answer for /flaky") {
			t.Errorf("real request after a failed dry-run: %d %q, want the backend's answer (endpoint not suspended)", st, body)
		}
		// control: a real failure does suspend it, so the step above tested something
		failing.Store(true)
		realGet(t, g, "/flaky/v1/x")
		failing.Store(false)
		if st, body := realGet(t, g, "/flaky/v1/x"); st == 200 {
			t.Errorf("after a real failure: %d %q, want the suspended endpoint's error", st, body)
		}
	})
	g.alive()
}
