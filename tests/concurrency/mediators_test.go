package concurrency

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestCache: a response cache shared by all requests, keyed by the URI.
// Each connection asks for each of its keys twice in a row (a miss, then
// a hit) while 63 others fill and read the same store: every answer must
// be its own key's, and about half must come from the cache.
func TestCache(t *testing.T) {
	g := start(t, map[string]string{
		"cache_in.xml": seq("Cache", "In", `
  <cache id="shared" timeout="60">
    <protocol type="HTTP"><methods>GET</methods><headersToExcludeInHash>*</headersToExcludeInHash></protocol>
    <implementation maxSize="100000"/>
  </cache>`),
		"cache_out.xml": seq("Cache", "Out", `  <cache id="shared" collector="true"/>`),
	}, []api{{name: "Cache", context: "/cache"}}, "")
	each := perConn(40)
	g.load(each, func(c, i int) call {
		key := fmt.Sprintf("k%02d-%03d", c, i/2)
		return call{method: "GET", path: "/cache/v1/items/" + key, header: map[string]string{"X-Id": id(c, i)},
			check: func(a answer) error {
				if err := want(a, "Echo-Path", "/items/"+key); err != nil {
					return err
				}
				if a.body != "path=/items/"+key {
					return fmt.Errorf("body %q, want this key's", a.body)
				}
				return nil
			}}
	})
	total := int64(conns * each)
	if hits := g.backend.hits.Load(); hits > total/2+int64(conns) || hits < total/2 {
		t.Errorf("backend saw %d of %d requests; want about half (the repeats come from the cache)", hits, total)
	}
}

// throttleSeq is a throttle whose callers (client addresses, one per
// connection: see clientIP) are each admitted maxCount times in ten
// minutes; onAccept copies the request's id into a header.
func throttleSeq(maxCount int) string {
	return fmt.Sprintf(`
  <throttle id="perCaller">
    <policy><wsp:Policy xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy" xmlns:throttle="http://www.wso2.org/products/wso2commons/throttle"><throttle:ThrottleAssertion>
      <wsp:All><throttle:ID throttle:type="IP">other</throttle:ID>
        <wsp:ExactlyOne><wsp:All><throttle:Control><wsp:Policy>
          <throttle:MaximumCount>%d</throttle:MaximumCount><throttle:UnitTime>600000</throttle:UnitTime>
        </wsp:Policy></throttle:Control></wsp:All></wsp:ExactlyOne></wsp:All>
    </throttle:ThrottleAssertion></wsp:Policy></policy>
    <onAccept><header name="X-Accepted" expression="$trp:X-Id" scope="transport"/></onAccept>
  </throttle>`, maxCount)
}

// TestThrottle: one throttle's per-caller windows, shared by all requests:
// each connection is a caller of its own and sends more than its quota,
// so exactly its first maxCount requests pass (each carrying its own id
// through onAccept) and the rest get 429, whatever the other callers do.
func TestThrottle(t *testing.T) {
	each := perConn(40)
	quota := each * 2 / 3
	g := start(t, map[string]string{"throttle_in.xml": seq("Throttle", "In", throttleSeq(quota))},
		[]api{{name: "Throttle", context: "/throttle"}}, "")
	g.load(each, func(c, i int) call {
		oid := id(c, i)
		return call{method: "GET", path: "/throttle/v1/x", header: map[string]string{"X-Id": oid},
			check: func(a answer) error {
				if i >= quota {
					if a.status != 429 {
						return fmt.Errorf("request %d of a caller with quota %d: status %d, want 429", i+1, quota, a.status)
					}
					return nil
				}
				return want(a, "Echo-X-Accepted", oid)
			}}
	})
}

// TestCall: <call> to an http endpoint whose uri-template takes the
// request's own id; the backend's answer (its path) replaces the body and
// the sequence responds with it.
func TestCall(t *testing.T) {
	be := newEchoBackend(t)
	g := start(t, map[string]string{"call_in.xml": seq("Call", "In", fmt.Sprintf(`
  <property name="uri.var.cid" expression="$trp:X-Id"/>
  <call><endpoint><http method="GET" uri-template="%s/called/{uri.var.cid}"/></endpoint></call>
  <header name="X-After" expression="$ctx:uri.var.cid" scope="transport"/>
  <respond/>`, be.url))}, []api{{name: "Call", context: "/call"}}, "")
	g.load(perConn(40), func(c, i int) call {
		oid := id(c, i)
		return call{method: "GET", path: "/call/v1/x", header: map[string]string{"X-Id": oid},
			check: func(a answer) error {
				if a.status != 200 || a.body != "path=/called/"+oid+"/x" { // the request's /x appended to the <http> endpoint
					return fmt.Errorf("status %d body %q, want this request's call", a.status, a.body)
				}
				return nil
			}}
	})
	if g.backend.hits.Load() != 0 {
		t.Errorf("the API backend saw %d requests; the sequence responds itself", g.backend.hits.Load())
	}
}

var anyID = regexp.MustCompile(`c\d\d-r\d\d\d`)

// ownIDs checks that every id in body is own, and that there are n.
func ownIDs(body, own string, n int) error {
	ids := anyID.FindAllString(body, -1)
	for _, x := range ids {
		if x != own {
			return fmt.Errorf("body holds another request's id %s: %.300q", x, body)
		}
	}
	if len(ids) != n {
		return fmt.Errorf("body holds its id %d times, want %d: %.300q", len(ids), n, body)
	}
	return nil
}

// TestEnrich: enrich with an inline source compiled once (copied into each
// request's payload), a payload node copied by XPath and a property set
// from the body moved back into it.
func TestEnrich(t *testing.T) {
	g := start(t, map[string]string{"enrich_in.xml": seq("Enrich", "In", `
  <enrich><source type="inline" clone="true"><stamp by="gw">inline</stamp></source>
    <target type="custom" xpath="//order" action="child"/></enrich>
  <enrich><source type="custom" xpath="//order/item[1]" clone="true"/>
    <target type="custom" xpath="//order" action="child"/></enrich>
  <property name="eid" expression="string(//order/@id)"/>
  <enrich><source type="property" property="eid"/>
    <target type="custom" xpath="//order/stamp"/></enrich>`)},
		[]api{{name: "Enrich", context: "/enrich"}}, "")
	g.load(perConn(40), func(c, i int) call {
		oid, typ := id(c, i), kind(c, i, "vip", "std")
		return call{method: "POST", path: "/enrich/v1/orders", ct: "application/xml", body: orderXMLItems(oid, typ, 4),
			check: func(a answer) error {
				if a.status != 200 {
					return fmt.Errorf("status %d body %.200q", a.status, a.body)
				}
				if strings.Count(a.body, "<stamp") != 1 {
					return fmt.Errorf("want one stamp: %.300q", a.body)
				}
				// the order's id, its items' skus, the copied item's sku and the stamp
				return ownIDs(a.body, oid, 4+3)
			}}
	})
}

// TestScript: a script (one compiled expr-lang program, a VM per run)
// reading the JSON payload and writing a property and a header.
func TestScript(t *testing.T) {
	g := start(t, map[string]string{"script_in.xml": seq("Script", "In", `
  <script language="expr"><![CDATA[
    mc.setProperty("sid", mc.getPayloadJSON().order.id + "-s");
    mc.setHeader("X-Script", mc.getPayloadJSON().order.type + ":" + mc.getProperty("sid") + ":" + mc.getHeader("X-Id"))
  ]]></script>`)},
		[]api{{name: "Script", context: "/script"}}, "")
	g.load(perConn(40), func(c, i int) call {
		oid, typ := id(c, i), kind(c, i, "vip", "std")
		return call{method: "POST", path: "/script/v1/orders", ct: "application/json", body: orderJSON(oid, typ),
			header: map[string]string{"X-Id": oid},
			check: func(a answer) error {
				return want(a, "Echo-X-Script", typ+":"+oid+"-s:"+oid)
			}}
	})
}

// TestScriptJS: a JavaScript script (compiled once, a pool of goja
// runtimes, one request per runtime at a time) that loops over the
// request's items array and builds a new JSON payload and a header. One
// request of the run loops forever: it is interrupted within the budget
// and answered as a mediation error while every other answer stays its own.
func TestScriptJS(t *testing.T) {
	g := start(t, map[string]string{"scriptjs_in.xml": seq("ScriptJS", "In", `
  <script language="js"><![CDATA[
    if (mc.getHeader("X-Loop") == "1") { while (true) {} }
    var order = mc.getPayloadJSON().order;
    var skus = [];
    for (var i = 0; i < order.items.length; i++) { skus.push(order.items[i].sku); }
    tag = order.type + ":" + order.id;  // an implicit global: dropped after each call
    mc.setProperty("sid", order.id + "-s");
    mc.setHeader("X-Script", tag + ":" + mc.getProperty("sid") + ":" + mc.getHeader("X-Id"));
    mc.setPayloadJSON({order: order.id, skus: skus});
  ]]></script>`)},
		[]api{{name: "ScriptJS", context: "/scriptjs"}}, "")
	g.load(perConn(40), func(c, i int) call {
		oid, typ := id(c, i), kind(c, i, "vip", "std")
		if c == 0 && i == 1 {
			return call{method: "POST", path: "/scriptjs/v1/orders", ct: "application/json", body: orderJSON(oid, typ),
				header: map[string]string{"X-Id": oid, "X-Loop": "1"},
				check: func(a answer) error {
					if a.status < 500 {
						return fmt.Errorf("looping script answered %d, want a mediation error: %.200q", a.status, a.body)
					}
					return nil
				}}
		}
		return call{method: "POST", path: "/scriptjs/v1/orders", ct: "application/json", body: orderJSON(oid, typ),
			header: map[string]string{"X-Id": oid},
			check: func(a answer) error {
				if err := want(a, "Echo-X-Script", typ+":"+oid+":"+oid+"-s:"+oid); err != nil {
					return err
				}
				return ownIDs(a.body, oid, 4) // order + 3 skus
			}}
	})
}

// TestPayloadFactory: one compiled template rendered with each request's
// own JSONPath and XPath arguments.
func TestPayloadFactory(t *testing.T) {
	g := start(t, map[string]string{"pf_in.xml": seq("PF", "In", `
  <payloadFactory media-type="json">
    <format>{"echo":"$1","kind":"$2","sku":"$3"}</format>
    <args>
      <arg evaluator="json" expression="$.order.id"/>
      <arg evaluator="json" expression="$.order.type"/>
      <arg expression="//order/items[2]/sku"/>
    </args>
  </payloadFactory>`)},
		[]api{{name: "PF", context: "/pf"}}, "")
	g.load(perConn(40), func(c, i int) call {
		oid, typ := id(c, i), kind(c, i, "vip", "std")
		return call{method: "POST", path: "/pf/v1/orders", ct: "application/json", body: orderJSON(oid, typ),
			check: func(a answer) error {
				if w := fmt.Sprintf(`{"echo":"%s","kind":"%s","sku":"%s-2"}`, oid, typ, oid); a.status != 200 || a.body != w {
					return fmt.Errorf("status %d body %.200q, want %s", a.status, a.body, w)
				}
				return nil
			}}
	})
}
