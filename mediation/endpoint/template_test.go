package endpoint

import (
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

func TestTemplateExpand(t *testing.T) {
	mc := &mediation.MessageContext{}
	mc.Reset(&fasthttp.Request{}, &fasthttp.Response{})
	mc.Props.Set("uri.var.id", "a b/c")
	mc.Props.Set("uri.var.path", "x/y")
	mc.Props.Set("uri.var.url", "http://h:8080/base")
	mc.Props.Set("query.param.q", "1&2")
	mc.Props.Set("other", "secret")
	mc.Props.Set("query.param.dots", "..")
	mc.Props.Set("uri.var.up", "a/../../b")
	cases := []struct{ name, tmpl, want string }{
		{"literal", "http://h/a", "http://h/a"},
		{"simple value is encoded", "http://h/items/{uri.var.id}", "http://h/items/a%20b%2Fc"},
		{"reserved keeps slashes", "http://h/{+uri.var.path}/z", "http://h/x/y/z"},
		{"whole URL from a property", "{uri.var.url}/items", "http://h:8080/base/items"},
		{"query expansion", "http://h/s{?query.param.q,uri.var.none}", "http://h/s?q=1%262"},
		{"query continuation", "http://h/s?a=1{&query.param.q}", "http://h/s?a=1&q=1%262"},
		{"unset variable is empty", "http://h/{uri.var.none}x", "http://h/x"},
		{"only uri.var and query.param are read", "http://h/{other}", "http://h/"},
		{"dot segment from a variable is encoded", "http://h/users/{query.param.dots}/profile", "http://h/users/%2E%2E/profile"},
		{"dot segments in a reserved expansion", "http://h/{+uri.var.up}", "http://h/a/%2E%2E/%2E%2E/b"},
		{"endpoint property wins", "http://h/{uri.var.own}/{uri.var.path}", "http://h/mine/x%2Fy"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tm, err := compileTemplate(tc.tmpl)
			if err != nil {
				t.Fatal(err)
			}
			got := tm.expand(mc, map[string]string{"uri.var.own": "mine"})
			if got != tc.want {
				t.Errorf("expand(%q) = %q, want %q", tc.tmpl, got, tc.want)
			}
		})
	}
	for _, bad := range []string{"http://h/{uri.var.x", "http://h/{}", "http://h/{a b}"} {
		if _, err := compileTemplate(bad); err == nil {
			t.Errorf("compileTemplate(%q): no error", bad)
		}
	}
}
