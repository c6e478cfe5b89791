package concurrency

import (
	"fmt"
	"strings"
	"testing"
)

// TestScatterGather: every request splits its own order into four items,
// each sent on its own forked message to the echo backend, concurrently
// with the other requests' branches, and aggregates the four answers: each
// answer must hold exactly its own four items (a branch sharing state with
// another request's would mix ids), and its own header copied into every
// branch.
func TestScatterGather(t *testing.T) {
	g := start(t, map[string]string{"scatter_in.xml": seq("Scatter", "In", `
  <property name="wrap" type="OM"><items xmlns=""/></property>
  <iterate id="sg" expression="//item"><target><sequence>
    <property name="part" expression="string(//item/@n)"/>
    <call><endpoint><address uri="{{echo}}/part"/></endpoint></call>
  </sequence></target></iterate>
  <aggregate id="sg"><completeCondition><messageCount min="-1" max="-1"/></completeCondition>
    <onComplete expression="//item" enclosingElementProperty="wrap"><respond/></onComplete></aggregate>`)},
		[]api{{name: "Scatter", context: "/scatter"}}, "")
	g.load(perConn(20), func(c, i int) call {
		oid := id(c, i)
		return call{method: "POST", path: "/scatter/v1/orders", ct: "application/xml", body: orderXMLItems(oid, "std", 4),
			header: map[string]string{"X-Id": oid},
			check: func(a answer) error {
				if a.status != 200 {
					return fmt.Errorf("status %d body %.200q", a.status, a.body)
				}
				if !strings.HasPrefix(a.body, "<items") || strings.Count(a.body, "<item ") != 4 {
					return fmt.Errorf("want the four items aggregated: %.300q", a.body)
				}
				return ownIDs(a.body, oid, 4)
			}}
	})
}
