package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// seq wraps mediators in a <sequence> definition in the Synapse namespace.
// The opening tag is line 2, so the first mediator line is line 3.
func seq(name string, mediators ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<sequence xmlns="http://ws.apache.org/ns/synapse" name="` + name + `">` + "\n" +
		strings.Join(mediators, "\n") + "\n</sequence>\n"
}

// setHeader is a transport-scope property: an outgoing header on the
// current message (backend request on In, client response on Out).
func setHeader(name, value string) string {
	return `<property name="` + name + `" scope="transport" value="` + value + `"/>`
}

// setHeaderExpr is setHeader with an expression.
func setHeaderExpr(name, expr string) string {
	return `<property name="` + name + `" scope="transport" expression="` + expr + `"/>`
}

// respondWith answers the client from the sequence: JSON body, status.
func respondWith(status int, jsonBody string) string {
	return `<payloadFactory media-type="json"><format>` + jsonBody + `</format><args/></payloadFactory>` + "\n" +
		`<property name="HTTP_SC" scope="axis2" value="` + strconv.Itoa(status) + `"/>` + "\n<respond/>"
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeSeq writes a sequence file into a tenant's sequences folder.
func writeSeq(t *testing.T, dir, file, xml string) {
	t.Helper()
	writeFile(t, filepath.Join(dir, file), xml)
}

// removeSeq deletes a sequence file.
func removeSeq(t *testing.T, dir, file string) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, file)); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond every 20 ms until it holds or deadline passes (then
// the test fails naming what). It returns how long it took, so callers can
// assert on latency separately from eventual success.
func waitFor(t *testing.T, what string, deadline time.Duration, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if cond() {
			return time.Since(start)
		}
		if time.Since(start) > deadline {
			t.Fatalf("timed out after %v waiting for %s", deadline, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func newClient() *http.Client {
	return &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true},
	}
}

// get is a bare GET used for admin endpoints; errors read as status 0.
func get(c *http.Client, url string) (int, http.Header, []byte) {
	resp, err := c.Get(url)
	if err != nil {
		return 0, nil, nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp.StatusCode, resp.Header, body
}

// resp is the client's view of one round trip; ID is the X-Req-Id that
// doReq sent, to find the request on the backend.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
	ID     string
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response body is not a JSON object: %v: %q", err, r.Body)
	}
	return m
}

var reqSeq atomic.Int64

// doReq sends one request to the traffic listener with a fresh X-Req-Id
// (unless hdr sets one) and returns what the client got.
func (g *gateway) doReq(method, path string, hdr map[string]string, body string) resp {
	g.t.Helper()
	req, err := http.NewRequest(method, g.base+path, strings.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	id := "r" + strconv.FormatInt(reqSeq.Add(1), 10)
	req.Header.Set("X-Req-Id", id)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	r, err := g.client.Do(req)
	if err != nil {
		g.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer r.Body.Close()
	b, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		g.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return resp{Status: r.StatusCode, Header: r.Header, Body: b, ID: req.Header.Get("X-Req-Id")}
}

// withKey returns headers carrying an API key (plus extra name/value pairs).
func withKey(key string, kv ...string) map[string]string {
	h := map[string]string{"apikey": key}
	for i := 0; i+1 < len(kv); i += 2 {
		h[kv[i]] = kv[i+1]
	}
	return h
}

// adminStatus is GET /admin/sequences as the contract describes it.
type adminStatus struct {
	Tenants []struct {
		Domain string `json:"domain"`
		ID     int    `json:"id"`
		Loaded bool   `json:"loaded"`
		Files  []struct {
			File            string   `json:"file"`
			State           string   `json:"state"`
			Error           string   `json:"error"`
			Sequences       []string `json:"sequences"`
			ServingLastGood bool     `json:"serving_last_good"`
		} `json:"files"`
	} `json:"tenants"`
}

// fileState returns the admin view of one file of a tenant ("" state when
// the file is not listed).
func (g *gateway) fileState(domain, file string) (state, errMsg string, lastGood bool) {
	st, _, body := get(g.client, g.admin+"/admin/sequences")
	if st != http.StatusOK {
		return "", "", false
	}
	var s adminStatus
	if json.Unmarshal(body, &s) != nil {
		return "", "", false
	}
	for _, tn := range s.Tenants {
		if tn.Domain != domain {
			continue
		}
		for _, f := range tn.Files {
			if f.File == file {
				return f.State, f.Error, f.ServingLastGood
			}
		}
	}
	return "", "", false
}
