package main

import (
	"crypto/tls"
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

const tlsConfig = `
listen: { http: "127.0.0.1:0", https: "127.0.0.1:0", admin: "127.0.0.1:0" }
repository: REPO
lifecycle: { drain_delay: 0s }
tls:
  certificates:
    - { cert: certs/api.pem, key: certs/api.key, hosts: [ api.example.com ] }
    - { cert: certs/wild.pem, key: certs/wild.key }
  default: { cert: certs/default.pem, key: certs/default.key }
apis:
  - { provider: admin, name: Open, version: 1.0.0, context: /open, auth: none, backend: [ "BACKEND" ] }
`

// TestHTTPS: certificates are chosen by SNI (listed hosts, the
// certificate's own wildcard name, the default), TLS 1.1 is refused, a
// renewed pair is served without a restart and a broken one keeps the last
// good pair, reported in /admin/tls.
func TestHTTPS(t *testing.T) {
	ca := newCA(t)
	root := t.TempDir()
	serials := map[string]int64{}
	put := func(name string, hosts ...string) {
		c, k, sn := ca.issue(t, name, hosts, false)
		writeFile(t, filepath.Join(root, "certs", name+".pem"), c)
		writeFile(t, filepath.Join(root, "certs", name+".key"), k)
		serials[name] = sn
	}
	put("api", "api.example.com")
	put("wild", "*.apps.example.com")
	put("default", "localhost")
	backend, _ := startBackend(t, 0)
	r := startServerIn(t, root, tlsConfig, backend)

	cases := []struct{ sni, want string }{
		{"api.example.com", "api"},
		{"API.Example.com", "api"},
		{"x.apps.example.com", "wild"},
		{"a.b.apps.example.com", "default"}, // a wildcard covers one label
		{"other.example.org", "default"},
		{"", "default"},
	}
	for _, tc := range cases {
		var sn int64
		if tc.want == "default" { // not valid for the name: just look at it
			sn = noVerifySerial(t, r.tlsAddr, tc.sni)
		} else if s, err := servedSerial(r.tlsAddr, tc.sni, ca.pool, nil, 0); err != nil {
			t.Errorf("SNI %q: %v", tc.sni, err)
		} else {
			sn = s
		}
		if sn != serials[tc.want] {
			t.Errorf("SNI %q: served serial %d, want %s (%d)", tc.sni, sn, tc.want, serials[tc.want])
		}
	}
	if _, err := servedSerial(r.tlsAddr, "api.example.com", ca.pool, nil, tls.VersionTLS11); err == nil {
		t.Error("a TLS 1.1 handshake succeeded")
	}
	// a real request over HTTPS
	c := &fasthttp.Client{TLSConfig: &tls.Config{ServerName: "api.example.com", RootCAs: ca.pool}}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	req.SetRequestURI("https://" + r.tlsAddr + "/open/1.0.0/a")
	if err := c.DoTimeout(req, resp, 5*time.Second); err != nil || resp.StatusCode() != 200 {
		t.Fatalf("GET over https: %v %d %s", err, resp.StatusCode(), resp.Body())
	}

	put("api", "api.example.com") // renewed: a new serial
	eventually(t, "the renewed certificate served", func() bool {
		sn, _ := servedSerial(r.tlsAddr, "api.example.com", ca.pool, nil, 0)
		return sn == serials["api"]
	})
	writeFile(t, filepath.Join(root, "certs", "api.key"), "not a key")
	eventually(t, "the broken pair reported", func() bool {
		_, body := r.get("/admin/tls")
		return strings.Contains(body, `"state": "refused"`)
	})
	if sn, err := servedSerial(r.tlsAddr, "api.example.com", ca.pool, nil, 0); sn != serials["api"] {
		t.Errorf("after a broken key: serial %d (%v), want the last good %d", sn, err, serials["api"])
	}
	_, body := r.get("/admin/tls")
	var st struct {
		Certificates []struct {
			Cert, State     string
			ServingLastGood bool `json:"serving_last_good"`
		}
	}
	_ = json.Unmarshal([]byte(body), &st)
	for _, c := range st.Certificates {
		if strings.HasSuffix(c.Cert, "api.pem") && (c.State != "refused" || !c.ServingLastGood) {
			t.Errorf("api.pem status %+v, want refused and serving the last good", c)
		}
	}
}

// TestClientCertificates: with client_auth require, a handshake without a
// client certificate or with one from another CA fails.
func TestClientCertificates(t *testing.T) {
	ca, other := newCA(t), newCA(t)
	root := t.TempDir()
	c, k, _ := ca.issue(t, "server", []string{"api.example.com"}, false)
	writeFile(t, filepath.Join(root, "certs", "s.pem"), c)
	writeFile(t, filepath.Join(root, "certs", "s.key"), k)
	writeFile(t, filepath.Join(root, "certs", "clients.pem"), ca.pem)
	cfg := `
listen: { http: "127.0.0.1:0", https: "127.0.0.1:0", admin: off }
repository: REPO
lifecycle: { drain_delay: 0s }
tls: { certificates: [ { cert: certs/s.pem, key: certs/s.key } ], client_ca: certs/clients.pem, client_auth: require }
apis: [ { provider: admin, name: Open, version: 1.0.0, context: /open, auth: none, backend: [ "BACKEND" ] } ]
`
	backend, _ := startBackend(t, 0)
	r := startServerIn(t, root, cfg, backend)
	pair := func(ca *testCA) *tls.Certificate {
		c, k, _ := ca.issue(t, "client", nil, true)
		p, err := tls.X509KeyPair([]byte(c), []byte(k))
		if err != nil {
			t.Fatal(err)
		}
		return &p
	}
	cases := []struct {
		name   string
		client *tls.Certificate
		ok     bool
	}{
		{"trusted client certificate", pair(ca), true},
		{"no client certificate", nil, false},
		{"certificate of another CA", pair(other), false},
	}
	for _, tc := range cases {
		_, err := servedSerial(r.tlsAddr, "api.example.com", ca.pool, tc.client, 0)
		if (err == nil) != tc.ok {
			t.Errorf("%s: handshake error %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func noVerifySerial(t *testing.T, addr, sni string) int64 {
	t.Helper()
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}, "tcp", addr, &tls.Config{ServerName: sni, InsecureSkipVerify: true})
	if err != nil {
		t.Fatalf("dial without SNI: %v", err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
}
