package route

import (
	"testing"

	"github.com/seqgate/seqgate/mediation"
	"github.com/valyala/fasthttp"
)

func TestSetProperties(t *testing.T) {
	r := newTestRouter(t)
	cases := []struct {
		name, method, uri string
		want              map[string]string
		postfix           string
	}{
		{"vars and query", "PUT", "/orders/v1/7/items/a%20b?expand=full&q=x%2By", map[string]string{
			"SYNAPSE_REST_API": "admin--Orders:vv1", "SYNAPSE_REST_API_VERSION": "v1", "REST_API_CONTEXT": "/orders",
			"REST_FULL_REQUEST_PATH": "/orders/v1/7/items/a%20b?expand=full&q=x%2By",
			"REST_SUB_REQUEST_PATH":  "/7/items/a%20b?expand=full&q=x%2By", "REST_METHOD": "PUT",
			"uri.var.id": "7", "uri.var.item": "a b", "query.param.expand": "full", "query.param.q": "x+y",
			"TENANT_DOMAIN": "carbon.super", "tenant.info.domain": "carbon.super", "tenant.info.id": "-1234",
			"API_ELECTED_RESOURCE": "/{id}/items/{item}?expand={e}",
		}, "/7/items/a%20b?expand=full&q=x%2By"},
		{"tenant root", "GET", "/t/abc.com/stock/1.0.0", map[string]string{
			"SYNAPSE_REST_API": "user1-AT-abc.com--Stock:v1.0.0", "REST_API_CONTEXT": "/t/abc.com/stock",
			"REST_SUB_REQUEST_PATH": "/", "TENANT_DOMAIN": "abc.com", "tenant.info.domain": "abc.com", "tenant.info.id": "1",
			"API_ELECTED_RESOURCE": "/*",
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var req fasthttp.Request
			var resp fasthttp.Response
			req.Header.SetMethod(tc.method)
			req.SetRequestURI(tc.uri)
			mc := &mediation.MessageContext{}
			mc.Reset(&req, &resp)
			var m Match
			if st := r.Match(req.Header.Method(), req.RequestURI(), &m); st != 0 {
				t.Fatalf("match status %d", st)
			}
			SetProperties(mc, &m, req.Header.Method(), req.RequestURI(), req.URI().QueryArgs())
			for k, want := range tc.want {
				if got, _ := mc.Props.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if mc.RESTURLPostfix() != tc.postfix {
				t.Errorf("postfix %q, want %q", mc.RESTURLPostfix(), tc.postfix)
			}
			if mc.TenantDomain != tc.want["TENANT_DOMAIN"] {
				t.Errorf("TenantDomain %q", mc.TenantDomain)
			}
		})
	}
}
