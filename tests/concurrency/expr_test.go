package concurrency

import (
	"fmt"
	"testing"
)

// orderJSON is a JSON request body with its own id and type.
func orderJSON(id, typ string) string {
	return fmt.Sprintf(`{"order":{"id":%q,"type":%q,"items":[{"n":1,"sku":"%s-1"},{"n":2,"sku":"%s-2"},{"n":3,"sku":"%s-3"}]}}`,
		id, typ, id, id, id)
}

// TestJSONPath: json-eval in a filter (source/regex), a property on the
// raw fast path ($.order.id, read with gjson) and one on the parsed tree
// (a filter expression, ojg's jp), each request with its own id and type.
func TestJSONPath(t *testing.T) {
	g := start(t, map[string]string{"json_in.xml": seq("JSON", "In", `
  <filter source="json-eval($.order.type)" regex="vip">
    <then><header name="X-Branch" value="vip" scope="transport"/></then>
    <else><header name="X-Branch" value="std" scope="transport"/></else>
  </filter>
  <property name="jid" expression="json-eval($.order.id)"/>
  <header name="X-Jid" expression="$ctx:jid" scope="transport"/>
  <header name="X-Sku" expression="json-eval($.order.items[?(@.n == 3)].sku)" scope="transport"/>`)},
		[]api{{name: "JSON", context: "/json"}}, "")
	g.load(perConn(40), func(c, i int) call {
		oid, typ := id(c, i), kind(c, i, "vip", "std")
		return call{method: "POST", path: "/json/v1/orders", ct: "application/json", body: orderJSON(oid, typ),
			check: func(a answer) error {
				return want(a, "Echo-X-Branch", typ, "Echo-X-Jid", oid, "Echo-X-Sku", oid+"-3")
			}}
	})
}

// TestExprLang: ${…} Synapse expressions (expr-lang programs, one
// compiled program shared by all requests, a VM per run) in a filter and
// in properties reading the payload, a header and a property.
func TestExprLang(t *testing.T) {
	g := start(t, map[string]string{"exprlang_in.xml": seq("ExprLang", "In", `
  <filter xpath="${payload.order.type == 'vip'}">
    <then><header name="X-Branch" value="vip" scope="transport"/></then>
    <else><header name="X-Branch" value="std" scope="transport"/></else>
  </filter>
  <property name="eid" expression="${payload.order.id}"/>
  <header name="X-Eid" expression="${var.eid + '/' + headers['X-Tag'] + '/' + payload.order.items[1].sku}" scope="transport"/>`)},
		[]api{{name: "ExprLang", context: "/exprlang"}}, "")
	g.load(perConn(40), func(c, i int) call {
		oid, typ := id(c, i), kind(c, i, "vip", "std")
		return call{method: "POST", path: "/exprlang/v1/orders", ct: "application/json", body: orderJSON(oid, typ),
			header: map[string]string{"X-Tag": "t" + oid},
			check: func(a answer) error {
				return want(a, "Echo-X-Branch", typ, "Echo-X-Eid", oid+"/t"+oid+"/"+oid+"-2")
			}}
	})
}

// TestRegex: Java-style regexes shared by all requests: a filter on RE2,
// one that needs the backtracking engine (look-ahead, regexp2), and a
// property pattern/group capturing part of the request's own id.
func TestRegex(t *testing.T) {
	g := start(t, map[string]string{"regex_in.xml": seq("Regex", "In", `
  <filter source="$trp:X-Type" regex="v[i]p">
    <then><header name="X-Branch" value="vip" scope="transport"/></then>
    <else><header name="X-Branch" value="std" scope="transport"/></else>
  </filter>
  <filter source="$trp:X-Type" regex="^(?!std).*$">
    <then><header name="X-Look" value="not-std" scope="transport"/></then>
    <else><header name="X-Look" value="std" scope="transport"/></else>
  </filter>
  <property name="num" expression="$trp:X-Id" pattern="c(\d+)-r(\d+)" group="2"/>
  <header name="X-Num" expression="$ctx:num" scope="transport"/>`)},
		[]api{{name: "Regex", context: "/regex"}}, "")
	g.load(perConn(40), func(c, i int) call {
		oid, typ := id(c, i), kind(c, i, "vip", "std")
		return call{method: "GET", path: "/regex/v1/x", header: map[string]string{"X-Type": typ, "X-Id": oid},
			check: func(a answer) error {
				return want(a, "Echo-X-Branch", typ, "Echo-X-Look", map[string]string{"vip": "not-std", "std": "std"}[typ],
					"Echo-X-Num", fmt.Sprintf("%03d", i))
			}}
	})
}
