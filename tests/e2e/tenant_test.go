package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestTenantIsolation: each tenant's global sequences apply to its own APIs
// only; a per-API sequence is looked up in the API's tenant folder only;
// keys and URLs do not cross tenants.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI(), shopAPI()}},
		seqFile{0, "g_in.xml", seq("WSO2AM--Ext--In", setHeader("X-Tenant", "super"))},
		seqFile{0, "g_out.xml", seq("WSO2AM--Ext--Out", setHeader("X-Tenant-Out", "super"))},
		// Per-API sequence for acme's Shop placed in the super tenant folder.
		seqFile{0, "shop_in.xml", seq("admin-AT-acme.com--Shop:v1.0.0--In", setHeader("X-Wrong-Super", "ran"))},
		seqFile{1, "g_in.xml", seq("WSO2AM--Ext--In", setHeader("X-Tenant", "acme"))},
		seqFile{1, "g_out.xml", seq("WSO2AM--Ext--Out", setHeader("X-Tenant-Out", "acme"))},
		seqFile{1, "shop_in.xml", seq("admin-AT-acme.com--Shop:v1.0.0--In", setHeader("X-Shop", "ran"))},
		// Per-API sequence for the super tenant's Orders placed in acme's folder.
		seqFile{1, "orders_in.xml", seq("admin--Orders:v1.0.0--In", setHeader("X-Wrong-Acme", "ran"))},
	)
	cases := []struct {
		name, path, key string
		wantTenant      string // X-Tenant values the backend saw, comma-joined
		wantShop        string
	}{
		{"super tenant API", "/orders/1.0.0/1", keyApp1, "super", ""},
		{"acme API", "/t/acme.com/shop/1.0.0/1", keyAcme, "acme", "ran"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := g.doReq("GET", c.path, withKey(c.key), "")
			if r.Status != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", r.Status, r.Body)
			}
			h := g.backend.mustGet(t, r.ID).Header
			if got := strings.Join(h.Values("X-Tenant"), ","); got != c.wantTenant {
				t.Errorf("backend X-Tenant = %q, want %q", got, c.wantTenant)
			}
			if got := h.Get("X-Shop"); got != c.wantShop {
				t.Errorf("backend X-Shop = %q, want %q", got, c.wantShop)
			}
			for _, wrong := range []string{"X-Wrong-Super", "X-Wrong-Acme"} {
				if got := h.Get(wrong); got != "" {
					t.Errorf("backend %s = %q: a sequence from the other tenant's folder ran", wrong, got)
				}
			}
			if got := strings.Join(r.Header.Values("X-Tenant-Out"), ","); got != c.wantTenant {
				t.Errorf("client X-Tenant-Out = %q, want %q", got, c.wantTenant)
			}
		})
	}
	refused := []struct {
		name, path, key string
		wantStatus      int
	}{
		{"super key on acme API", "/t/acme.com/shop/1.0.0/1", keyApp1, 401},
		{"acme key on super API", "/orders/1.0.0/1", keyAcme, 401},
		{"acme API without /t/ prefix", "/shop/1.0.0/1", keyAcme, 404},
		{"super API under acme prefix", "/t/acme.com/orders/1.0.0/1", keyApp1, 404},
		{"unknown tenant", "/t/nobody.com/shop/1.0.0/1", keyAcme, 404},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			r := g.doReq("GET", c.path, withKey(c.key), "")
			if r.Status != c.wantStatus {
				t.Errorf("status = %d, want %d; body %s", r.Status, c.wantStatus, r.Body)
			}
			if _, reached := g.backend.byID(r.ID); reached {
				t.Errorf("request reached the backend")
			}
		})
	}
	t.Run("hot deploy stays in its tenant", func(t *testing.T) {
		writeSeq(t, g.acmeDir, "g_in.xml", seq("WSO2AM--Ext--In", setHeader("X-Tenant", "acme2")))
		tenantOf := func(path, key string) string {
			r := g.doReq("GET", path, withKey(key), "")
			return strings.Join(r.Header.Values("Echo-X-Tenant"), ",")
		}
		waitFor(t, "acme's new global In served", 5*time.Second, func() bool {
			return tenantOf("/t/acme.com/shop/1.0.0/1", keyAcme) == "acme2"
		})
		if got := tenantOf("/orders/1.0.0/1", keyApp1); got != "super" {
			t.Errorf("super tenant X-Tenant = %q after acme's change, want super", got)
		}
	})
}
