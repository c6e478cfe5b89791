package exprlang_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/seqgate/seqgate/mediation"
)

// TestExprLangConcurrent runs each compiled ${...} program (one
// exprlang.Program shared, as a deployed sequence shares it) from many
// goroutines at once, every run on a message of its own (body, header,
// property, query parameter), and checks that each result is its own
// message's. A Program must be immutable, each run on a VM of its own;
// state kept on the Program gives another request's value, and -race
// reports it.
func TestExprLangConcurrent(t *testing.T) {
	idExpr := mustCompile(t, "${payload.order.id}", nil)
	vipExpr := mustCompile(t, "${payload.order.type == 'vip'}", nil)
	mixExpr := mustCompile(t, "${var.n + '/' + headers['X-Tag'] + '/' + params.queryParams.q + '/' + payload.items[1].sku}", nil)
	objExpr := mustCompile(t, "${payload.items[0]}", nil)
	const workers, each = 32, 200
	var wg sync.WaitGroup
	errs := make(chan string, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id, vip := fmt.Sprintf("w%d-%d", w, i), (w+i)%2 == 0
				typ := map[bool]string{true: "vip", false: "std"}[vip]
				mc := newMC(t, msg{CT: "application/json",
					URI:     "http://localhost/shop/1.0/orders?q=q-" + id,
					Headers: map[string]string{"X-Tag": "t-" + id},
					Props:   map[string]string{"n": "n-" + id},
					Body: fmt.Sprintf(`{"order":{"id":%q,"type":%q},"items":[{"sku":"a-%s"},{"sku":"b-%s"}]}`,
						id, typ, id, id)})
				if got, err := vipExpr.Bool(mc); err != nil || got != vip {
					errs <- fmt.Sprintf("%s: %s = %v, %v; want %v", id, vipExpr.Source(), got, err, vip)
					return
				}
				for _, c := range []struct {
					e    mediation.Expression
					want string
				}{
					{idExpr, id},
					{mixExpr, "n-" + id + "/t-" + id + "/q-" + id + "/b-" + id},
					{objExpr, `{"sku":"a-` + id + `"}`},
				} {
					if s, err := c.e.String(mc); err != nil || s != c.want {
						errs <- fmt.Sprintf("%s: %s = %q, %v; want %q", id, c.e.Source(), s, err, c.want)
						return
					}
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
