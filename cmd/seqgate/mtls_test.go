package main

import (
	"crypto/tls"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

const mtlsConfig = `
listen: { http: "127.0.0.1:0", https: "127.0.0.1:0", admin: off }
repository: REPO
lifecycle: { drain_delay: 0s }
tls: { certificates: [ { cert: certs/s.pem, key: certs/s.key } ], client_ca: certs/clients.pem, client_auth: request }
applications: [ { name: App, id: "1", consumer_key: ck, user: u, keys: [ the-key ] } ]
apis:
  - { provider: admin, name: Secure, version: 1.0.0, context: /secure, auth: mtls, backend: [ "BACKEND" ] }
  - { provider: admin, name: Keyed, version: 1.0.0, context: /keyed, backend: [ "BACKEND" ] }
`

// TestMTLSAuth: an auth: mtls API accepts a request whose connection
// carried a client certificate signed by tls.client_ca, with the
// certificate's CN as api.ut.userId, and answers 401 (900901) without one
// or over plain HTTP; an apikey API on the same gateway is unaffected.
func TestMTLSAuth(t *testing.T) {
	ca := newCA(t)
	root := t.TempDir()
	c, k, _ := ca.issue(t, "server", []string{"api.example.com"}, false)
	writeFile(t, filepath.Join(root, "certs", "s.pem"), c)
	writeFile(t, filepath.Join(root, "certs", "s.key"), k)
	writeFile(t, filepath.Join(root, "certs", "clients.pem"), ca.pem)
	cc, ck, _ := ca.issue(t, "partner-42", nil, true)
	pair, err := tls.X509KeyPair([]byte(cc), []byte(ck))
	if err != nil {
		t.Fatal(err)
	}
	backend, hits := startBackend(t, 0)
	r := startServerIn(t, root, mtlsConfig, backend, map[string]string{
		"secure_in.xml": seqXML("admin--Secure:v1.0.0--In", `<header name="X-Req-Added" scope="transport" expression="$ctx:api.ut.userId"/>`),
		"keyed_in.xml":  seqXML("admin--Keyed:v1.0.0--In", `<header name="X-Req-Added" scope="transport" expression="$ctx:api.ut.userId"/>`),
	})

	withCert := &tls.Config{ServerName: "api.example.com", RootCAs: ca.pool, Certificates: []tls.Certificate{pair}}
	noCert := &tls.Config{ServerName: "api.example.com", RootCAs: ca.pool}
	cases := []struct {
		name     string
		tls      *tls.Config // nil: plain HTTP
		path     string
		hdr      []string
		status   int
		saw      string // X-Saw-Req-Added: what the backend received
		body     string // in the answer
		backends int64  // backend calls expected
	}{
		{"mtls with a client certificate", withCert, "/secure/1.0.0/a", nil, 200, "partner-42", `"ok":true`, 1},
		{"mtls without a client certificate", noCert, "/secure/1.0.0/a", nil, 401, "", "900901", 0},
		{"mtls over plain http", nil, "/secure/1.0.0/a", nil, 401, "", "900901", 0},
		{"mtls ignores an api key", noCert, "/secure/1.0.0/a", []string{"apikey", "the-key"}, 401, "", "900901", 0},
		{"apikey api over https", noCert, "/keyed/1.0.0/a", []string{"apikey", "the-key"}, 200, "u", `"ok":true`, 1},
		{"apikey api over http", nil, "/keyed/1.0.0/a", []string{"apikey", "the-key"}, 200, "u", `"ok":true`, 1},
		{"apikey api with only a certificate", withCert, "/keyed/1.0.0/a", nil, 401, "", "900902", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := hits.Load()
			resp := mtlsDo(t, r, tc.tls, tc.path, tc.hdr...)
			defer fasthttp.ReleaseResponse(resp)
			if resp.StatusCode() != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode(), tc.status, resp.Body())
			}
			if got := string(resp.Header.Peek("X-Saw-Req-Added")); got != tc.saw {
				t.Errorf("backend saw api.ut.userId %q, want %q", got, tc.saw)
			}
			if !strings.Contains(string(resp.Body()), tc.body) {
				t.Errorf("body %s does not contain %s", resp.Body(), tc.body)
			}
			if n := hits.Load() - before; n != tc.backends {
				t.Errorf("backend called %d times, want %d", n, tc.backends)
			}
		})
	}
}

// mtlsDo sends a GET over HTTPS with cfg, or over plain HTTP when cfg is nil.
func mtlsDo(t *testing.T, r *running, cfg *tls.Config, path string, hdr ...string) *fasthttp.Response {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	cl := &fasthttp.Client{}
	if cfg != nil {
		cl.TLSConfig = cfg
		req.SetRequestURI("https://" + r.tlsAddr + path)
	} else {
		req.SetRequestURI("http://" + r.traffic + path)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if err := cl.DoTimeout(req, resp, 5*time.Second); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp
}
