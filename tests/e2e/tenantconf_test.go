package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTenantConfPosition: a tenant's tenant-conf.json (registry resource
// conf:/apimgt/applicationdata/tenant-conf.json) sets the position of its
// extension handler; other tenants keep the config's. The global In
// sequence copies api.ut.consumerKey to the backend: set after auth
// (bottom), empty before it (top). The file hot-reloads, and a broken one
// keeps the last good position.
func TestTenantConfPosition(t *testing.T) {
	globalIn := seq("WSO2AM--Ext--In", setHeaderExpr("X-CK", "$ctx:api.ut.consumerKey"))
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI(), shopAPI()}},
		seqFile{0, "global_in.xml", globalIn}, seqFile{1, "global_in.xml", globalIn})
	confDir := filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(g.acmeDir))), "registry", "config", "apimgt", "applicationdata")
	if err := os.MkdirAll(confDir, 0o755); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(confDir, "tenant-conf.json")
	ck := func(path, key string) string {
		r := g.doReq("GET", path, withKey(key), "")
		if r.Status != 200 {
			t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
		}
		return g.backend.mustGet(t, r.ID).Header.Get("X-CK")
	}
	const shop, orders = "/t/acme.com/shop/1.0.0/1", "/orders/1.0.0/1"
	if got := ck(shop, keyAcme); got != "ck3" {
		t.Fatalf("acme.com before tenant-conf.json: X-CK %q, want ck3 (bottom)", got)
	}
	writeFile(t, conf, `{"EnableMonetization":false,"IsUnlimitedTierPaid":false,"ExtensionHandlerPosition":"top","RESTAPIScopes":{"Scope":[]}}`)
	waitFor(t, "acme.com's extension handler at the top", 10*time.Second, func() bool { return ck(shop, keyAcme) == "" })
	if got := ck(orders, keyApp1); got != "ck1" {
		t.Errorf("the super tenant followed acme.com's tenant-conf.json: X-CK %q, want ck1", got)
	}
	// seqgate explain shows the tenant's chain and where its order comes from
	cfgPath := filepath.Join(g.superDir, "..", "..", "..", "..", "..", "..", "..", "config.yaml")
	code, out, stderr := runCLI(t, "explain", "-config", cfgPath, "-json", "acme.com", "GET", shop)
	var rep struct {
		Chain struct {
			Handlers []string `json:"handlers"`
			From     string   `json:"from"`
		} `json:"chain"`
	}
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil ||
		strings.Join(rep.Chain.Handlers, ",") != "extension,auth,throttle,usage" || !strings.Contains(rep.Chain.From, "tenant-conf.json") {
		t.Errorf("explain acme.com: exit %d, %v, chain %+v; stderr %s", code, err, rep.Chain, stderr)
	}

	writeFile(t, conf, `{"ExtensionHandlerPosition": "sideways"}`)
	waitFor(t, "the bad tenant-conf.json refused", 10*time.Second, func() bool {
		return strings.Contains(g.stderr.String(), `ExtensionHandlerPosition \"sideways\" is not top or bottom`)
	})
	if got := ck(shop, keyAcme); got != "" {
		t.Errorf("a refused tenant-conf.json changed the position: X-CK %q, want the last good top", got)
	}

	writeFile(t, conf, `{"ExtensionHandlerPosition": "Bottom"}`)
	waitFor(t, "acme.com back at the bottom", 10*time.Second, func() bool { return ck(shop, keyAcme) == "ck3" })
}
