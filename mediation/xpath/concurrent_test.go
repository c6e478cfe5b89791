package xpath_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/seqgate/seqgate/mediation"
)

// TestXPathConcurrent evaluates each compiled XPath from many goroutines
// at once, every evaluation on a message of its own, and checks that each
// result is its own message's. antchfx query nodes keep iterator state,
// so a compiled expression shared unguarded gives wrong answers and
// panics; under -race the detector reports it at once.
func TestXPathConcurrent(t *testing.T) {
	boolExpr := mustCompile(t, "//order/@type = 'vip'", nil)
	strExpr := mustCompile(t, "string(//order/@id)", nil)
	setExpr := mustCompile(t, "//order/item", nil) // a node set: the iterator is consumed after Evaluate
	mixExpr := mustCompile(t, "concat(//order/@id, '-', $ctx:n)", nil)
	const workers, each = 8, 200
	var wg sync.WaitGroup
	errs := make(chan string, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id, vip := fmt.Sprintf("w%d-%d", w, i), (w+i)%2 == 0
				typ := map[bool]string{true: "vip", false: "std"}[vip]
				mc := newMC(t, msg{CT: "application/xml", Props: map[string]string{"n": id},
					Body: fmt.Sprintf(`<order id=%q type=%q><item>%s-a</item></order>`, id, typ, id)})
				got, err := boolExpr.Bool(mc)
				if err != nil || got != vip {
					errs <- fmt.Sprintf("%s: Bool = %v, %v; want %v", id, got, err, vip)
					return
				}
				for _, c := range []struct {
					e    mediation.Expression
					want string
				}{{strExpr, id}, {setExpr, id + "-a"}, {mixExpr, id + "-" + id}} {
					if s, err := c.e.String(mc); err != nil || s != c.want {
						errs <- fmt.Sprintf("%s: %s = %q, %v; want %q", id, c.e.Source(), s, err, c.want)
						return
					}
				}
				nodes, ok, err := setExpr.(mediation.NodeSelector).SelectNodes(mc)
				if err != nil || !ok || len(nodes) != 1 || nodes[0].Node.InnerText() != id+"-a" {
					errs <- fmt.Sprintf("%s: SelectNodes = %d nodes, %v, %v", id, len(nodes), ok, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
