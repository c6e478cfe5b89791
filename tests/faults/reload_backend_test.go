package faults

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestRefusedReloadKeepsBackendSettings: backend client settings belong to
// a config generation. A reload refused while its backends are built (here
// an API whose backend URL has user info, which the endpoint compiler
// refuses after config validation passed it) leaves the running gateway's
// timeouts.backend alone; an accepted reload applies its own.
func TestRefusedReloadKeepsBackendSettings(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(1 * time.Second)
		_, _ = io.WriteString(w, "slow")
	}))
	t.Cleanup(slow.Close)
	g := startGateway(t, map[string]string{"Slow": slow.URL}, false) // timeouts.backend: 3s
	g.expect("/slow/v1/x", "slow")

	cfgPath := filepath.Join(g.superDir, "../../../../../../config.yaml")
	orig, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	short := strings.Replace(string(orig), "timeouts: {backend: 3s}", "timeouts: {backend: 300ms}", 1)
	if short == string(orig) {
		t.Fatal("the harness config changed: no timeouts.backend to rewrite")
	}
	refused := short + "  - {provider: admin, name: Bad, version: v1, context: /bad, auth: none, backend: [\"http://user@127.0.0.1:1/\"]}\n"
	writeFile(t, cfgPath, refused)
	if st := g.reload(); st == http.StatusOK {
		t.Fatalf("reload with an uncompilable backend: status %d, want a refusal", st)
	}
	g.expect("/slow/v1/x", "slow") // before: 504 after 300ms, the refused config's timeout

	writeFile(t, cfgPath, short)
	if st := g.reload(); st != http.StatusOK {
		t.Fatalf("reload: status %d\n%s", st, g.stderr.String())
	}
	if st, _, body := g.get("/slow/v1/x"); st != http.StatusGatewayTimeout {
		t.Fatalf("after the accepted reload (timeouts.backend 300ms): %d %q, want 504", st, body)
	}
	g.expect("/echo/v1/x", "seq=super")
}

// reload asks the admin API to reload the config file.
func (g *gateway) reload() int {
	g.t.Helper()
	r, err := client.Post("http://"+g.admin+"/admin/config/reload", "application/json", nil)
	if err != nil {
		g.t.Fatal(err)
	}
	defer r.Body.Close()
	_, _ = io.Copy(io.Discard, r.Body)
	return r.StatusCode
}

// TestBackendHostsBounded: an http endpoint whose host:port comes from the
// request gets one client per distinct target; limits.max_backend_hosts
// bounds them, and an evicted client's idle connection is closed (before:
// every target kept a client and an idle connection for 90 s).
func TestBackendHostsBounded(t *testing.T) {
	var open atomic.Int64
	var ports []string
	for range 8 {
		be := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "dyn")
		}))
		be.Config.ConnState = func(_ net.Conn, st http.ConnState) {
			switch st {
			case http.StateNew:
				open.Add(1)
			case http.StateClosed, http.StateHijacked:
				open.Add(-1)
			}
		}
		be.Start()
		t.Cleanup(be.Close)
		ports = append(ports, be.Listener.Addr().(*net.TCPAddr).AddrPort().String()[len("127.0.0.1:"):])
	}
	g := startGatewayYAML(t, map[string]string{"Dyn": "http://127.0.0.1:9/"}, "limits: {max_backend_hosts: 3}\n")
	writeFile(t, filepath.Join(g.superDir, "dyn_in.xml"), `<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--Dyn:vv1--In">
  <send><endpoint><http method="get" uri-template="http://127.0.0.1:{query.param.p}/"/></endpoint></send>
</sequence>
`)
	g.eventually(10*time.Second, "the Dyn sequence deployed", func() bool {
		st, _, body := g.get("/dyn/v1/x?p=" + ports[0])
		return st == 200 && body == "dyn"
	})
	for _, p := range ports {
		g.expect("/dyn/v1/x?p="+p, "dyn")
	}
	g.eventually(5*time.Second, "at most 3 backend connections open", func() bool { return open.Load() <= 3 })
}
