package dryrun

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/gateway"
	"github.com/seqgate/seqgate/handlers/route"
	_ "github.com/seqgate/seqgate/mediation/mediators" // the built-in mediators
)

const superSeqDir = "repository/deployment/server/synapse-configs/default/sequences"

const testConfig = `
listen: { http: "127.0.0.1:0", admin: "off" }
repository: REPO
timeouts: { backend: 2s }
apis:
  - { provider: admin, name: Orders, version: 1.0.0, context: /orders, auth: none, backend: [ "BACKEND" ] }
`

// The global sequences: the In one sets a secret and a plain header for
// the backend, and answers by itself when X-Mock: yes; the Out one marks
// the response.
var testSeqs = map[string]string{
	"in.xml": `<sequence xmlns="http://ws.apache.org/ns/synapse" name="WSO2AM--Ext--In">
  <header name="X-Api-Key" scope="transport" value="backend-secret"/>
  <property name="X-Req-Added" value="yes" scope="transport"/>
  <filter source="$trp:X-Mock" regex="yes">
    <then>
      <payloadFactory media-type="json"><format>{"mock":true}</format><args/></payloadFactory>
      <respond/>
    </then>
  </filter>
</sequence>`,
	"out.xml": `<sequence xmlns="http://ws.apache.org/ns/synapse" name="WSO2AM--Ext--Out">
  <property name="X-Out" value="1" scope="transport"/>
</sequence>`,
}

// backend is a real HTTP backend on 127.0.0.1 that counts its hits and
// echoes what it saw of the headers the tests look at.
type backend struct {
	url  string
	hits atomic.Int64
	// sawTrace is the last X-Seqgate-Trace header it received.
	sawTrace atomic.Value
}

func startBackend(t *testing.T) *backend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &backend{url: "http://" + ln.Addr().String()}
	b.sawTrace.Store("")
	s := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		b.hits.Add(1)
		b.sawTrace.Store(string(ctx.Request.Header.Peek(HeaderTrace)))
		ctx.SetContentType("application/json")
		ctx.SetBodyString(`{"real":true,"path":"` + string(ctx.Path()) + `"}`)
	}}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Shutdown() })
	return b
}

// newGateway builds a real gateway.Gateway (router, repository with the
// test sequences, extension handler, backends) with hook as its Debug.
func newGateway(t *testing.T, backendURL string, hook *Hook) *gateway.Gateway {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, superSeqDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, xml := range testSeqs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(xml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Parse([]byte(strings.NewReplacer("BACKEND", backendURL, "REPO", root).Replace(testConfig)))
	if err != nil {
		t.Fatal(err)
	}
	router, err := route.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	repo := startRepo(t, root, cfg)
	backends, err := gateway.NewBackends(router.APIs(), gateway.BackendOptions{Timeout: cfg.Timeouts.Backend.D()})
	if err != nil {
		t.Fatal(err)
	}
	return gateway.New(gateway.Options{
		Router: router, Repo: repo, Backends: backends, Logger: zap.NewNop(),
		Chain: []handlers.Handler{handlers.NewExtension(handlers.ExtensionOptions{})}, Debug: hook,
	})
}

// serve puts h on a real listener on 127.0.0.1 and returns its address.
func serve(t *testing.T, h fasthttp.RequestHandler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fasthttp.Server{Handler: h}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Shutdown() })
	return ln.Addr().String()
}

// startRepo loads the repository under root for cfg, closed when t ends.
func startRepo(t *testing.T, root string, cfg *config.Config) *deploy.Repository {
	t.Helper()
	repo, err := deploy.New(deploy.Options{Root: root, Tenants: cfg.Tenants})
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = repo.Close() })
	return repo
}
