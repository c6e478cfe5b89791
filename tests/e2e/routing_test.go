package e2e

import (
	"net/http"
	"testing"
)

// TestRoutingProperties: uri-template variables and query parameters are
// properties a sequence can read; REST_URL_POSTFIX (the path after
// context/version, plus query) is what reaches the backend, and a sequence
// can rewrite it.
func TestRoutingProperties(t *testing.T) {
	t.Parallel()
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI(), api("Rewrite", "/rewrite")}},
		seqFile{0, "orders_in.xml", seq("admin--Orders:v1.0.0--In",
			setHeaderExpr("X-Id", "$ctx:uri.var.id"),
			setHeaderExpr("X-Id-Fn", "get-property('uri.var.id')"),
			setHeaderExpr("X-Q", "$ctx:query.param.x"),
			setHeaderExpr("X-Postfix", "$axis2:REST_URL_POSTFIX"))},
		seqFile{0, "rewrite_in.xml", seq("admin--Rewrite:v1.0.0--In",
			`<property name="REST_URL_POSTFIX" scope="axis2" value="/rewritten/path"/>`)},
	)
	cases := []struct {
		name, method, path     string
		wantPath, wantQuery    string
		wantID, wantQ, wantPfx string
	}{
		{"path variable and query", "GET", "/orders/1.0.0/42?x=hello", "/be/orders/42", "x=hello", "42", "hello", "/42?x=hello"},
		{"encoded query value", "GET", "/orders/1.0.0/43?x=a%20b", "/be/orders/43", "x=a%20b", "43", "-", "-"},
		{"wildcard resource", "POST", "/orders/1.0.0/a/b/c?y=2", "/be/orders/a/b/c", "y=2", "", "", "/a/b/c?y=2"},
		{"postfix rewritten by sequence", "GET", "/rewrite/1.0.0/7", "/be/rewrite/rewritten/path", "", "-", "-", "-"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := g.doReq(c.method, c.path, withKey(keyApp1), "")
			if r.Status != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", r.Status, r.Body)
			}
			be := g.backend.mustGet(t, r.ID)
			checks := []struct{ name, got, want string }{
				{"path", be.Path, c.wantPath},
				{"query", be.Query, c.wantQuery},
				{"X-Id ($ctx:uri.var.id)", be.Header.Get("X-Id"), c.wantID},
				{"X-Id-Fn (get-property)", be.Header.Get("X-Id-Fn"), c.wantID},
				{"X-Q ($ctx:query.param.x)", be.Header.Get("X-Q"), c.wantQ},
				{"X-Postfix ($axis2:REST_URL_POSTFIX)", be.Header.Get("X-Postfix"), c.wantPfx},
			}
			for _, ch := range checks {
				if ch.want != "-" && ch.got != ch.want {
					t.Errorf("backend %s = %q, want %q", ch.name, ch.got, ch.want)
				}
			}
		})
	}
}
