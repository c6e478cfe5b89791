package main

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"path/filepath"
	"testing"

	"github.com/valyala/fasthttp"
)

// startTLSBackend serves 200 over TLS with a certificate of ca, requiring
// a client certificate of ca.
func startTLSBackend(t *testing.T, ca *testCA) string {
	t.Helper()
	c, k, _ := ca.issue(t, "backend", []string{"localhost"}, false)
	pair, err := tls.X509KeyPair([]byte(c), []byte(k))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: ca.pool, ClientAuth: tls.RequireAndVerifyClientCert}
	s := &fasthttp.Server{Logger: log.New(io.Discard, "", 0), Handler: func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("application/json")
		ctx.SetBodyString(`{"tls":true,"path":"` + string(ctx.Path()) + `"}`)
	}}
	go func() { _ = s.Serve(tls.NewListener(ln, cfg)) }()
	t.Cleanup(func() { _ = s.Shutdown() })
	return "https://" + ln.Addr().String()
}

// TestBackendTLS: an https backend is trusted through tls.backend.ca and
// gets the gateway's client certificate; without them the call fails (502).
func TestBackendTLS(t *testing.T) {
	ca := newCA(t)
	root := t.TempDir()
	c, k, _ := ca.issue(t, "gateway", nil, true)
	writeFile(t, filepath.Join(root, "certs", "ca.pem"), ca.pem)
	writeFile(t, filepath.Join(root, "certs", "gw.pem"), c)
	writeFile(t, filepath.Join(root, "certs", "gw.key"), k)
	cases := []struct {
		name, tls string
		status    int
	}{
		{"ca and client certificate", "tls: { backend: { ca: certs/ca.pem, cert: certs/gw.pem, key: certs/gw.key } }\n", 200},
		{"ca, no client certificate", "tls: { backend: { ca: certs/ca.pem } }\n", 502},
		{"system roots", "", 502},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			backend := startTLSBackend(t, ca) // a new address: backend clients are kept per address
			r := startServerIn(t, root, `
listen: { http: "127.0.0.1:0", admin: off }
repository: REPO
lifecycle: { drain_delay: 0s }
`+tc.tls+`apis: [ { provider: admin, name: Open, version: 1.0.0, context: /open, auth: none, backend: [ "BACKEND" ] } ]
`, backend)
			resp := do(t, r.traffic, "GET", "/open/1.0.0/a", "")
			if resp.StatusCode() != tc.status {
				t.Errorf("status %d (%s), want %d", resp.StatusCode(), resp.Body(), tc.status)
			}
		})
	}
}
