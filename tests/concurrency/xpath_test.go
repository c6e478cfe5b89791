package concurrency

import (
	"fmt"
	"strings"
	"testing"
)

// orderItems is the number of items of an order: the longer a scan of the
// document, the more concurrent evaluations overlap.
const orderItems = 60

// orderXML is a request body with its own id and type; the filler items
// make the descendant scans long enough for concurrent evaluations of one
// compiled query to overlap.
func orderXML(id, typ string) string { return orderXMLItems(id, typ, orderItems) }

// orderXMLItems is orderXML with n items.
func orderXMLItems(id, typ string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<order id=%q type=%q>`, id, typ)
	for i := range n {
		fmt.Fprintf(&b, `<item n="%d"><sku>%s-%d</sku></item>`, i, id, i)
	}
	b.WriteString(`</order>`)
	return b.String()
}

// TestXPath: a filter on an attribute of the body, and properties read by
// XPath (a string, a node set with a predicate, a count), each
// request with its own id and type. The issue saw ~1 wrong branch per
// 2,000 requests and 500s from one compiled query shared by all requests.
func TestXPath(t *testing.T) {
	g := start(t, map[string]string{"xpath_in.xml": seq("XPath", "In", `
  <filter xpath="//order/@type = 'vip'">
    <then><header name="X-Branch" value="vip" scope="transport"/></then>
    <else><header name="X-Branch" value="std" scope="transport"/></else>
  </filter>
  <filter xpath="//item[@n = '7']/sku = concat(//order/@id, '-7')">
    <then><header name="X-Own" value="yes" scope="transport"/></then>
    <else><header name="X-Own" value="no" scope="transport"/></else>
  </filter>
  <property name="oid" expression="string(//order/@id)"/>
  <header name="X-Oid" expression="$ctx:oid" scope="transport"/>
  <header name="X-Sku" expression="//order/item[@n = '7']/sku" scope="transport"/>
  <header name="X-Count" expression="concat(//order/@type, '-', count(//item[@n &gt;= 0]))" scope="transport"/>`)},
		[]api{{name: "XPath", context: "/xpath"}}, "")
	g.load(perConn(60), func(c, i int) call {
		oid, typ := id(c, i), kind(c, i, "vip", "std")
		return call{method: "POST", path: "/xpath/v1/orders", ct: "application/xml", body: orderXML(oid, typ),
			check: func(a answer) error {
				return want(a, "Echo-X-Branch", typ, "Echo-X-Oid", oid, "Echo-X-Sku", oid+"-7", "Echo-X-Count", fmt.Sprintf("%s-%d", typ, orderItems), "Echo-X-Own", "yes")
			}}
	})
}
