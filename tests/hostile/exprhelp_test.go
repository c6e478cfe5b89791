package hostile

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostileInput is one request against an expression-driven sequence.
type hostileInput struct {
	name, path, header, ct, body string
	want                         int
	contains                     string // in the answer
	bug                          string // a known gateway bug this case shows; see check
}

// sendInput sends in on a fresh connection and returns what is wrong with
// the answer ("" when nothing). The time bound is a hang detector only,
// never a speed requirement.
func sendInput(t *testing.T, g *gateway, in hostileInput) string {
	hdrs := []string{"Connection: close"}
	if in.header != "" {
		hdrs = append(hdrs, "X-In: "+in.header)
	}
	raw := req("GET", in.path, hdrs...)
	if in.ct != "" {
		hdrs = append(hdrs, "Content-Type: "+in.ct, fmt.Sprintf("Content-Length: %d", len(in.body)))
		raw = req("POST", in.path, hdrs...) + in.body
	}
	r := send(t, g.traffic, raw, 10*time.Second)
	if r.took > 5*time.Second {
		return fmt.Sprintf("answered after %v: the request's work is not bounded", r.took.Round(time.Millisecond))
	}
	if r.status != in.want || !strings.Contains(r.body, in.contains) {
		return fmt.Sprintf("status %d body %q; want %d containing %q", r.status, tail(r.body, 200), in.want, in.contains)
	}
	return ""
}

// check reports a problem on the test goroutine: a failure, unless it is
// a known gateway bug (reported to the lead, not fixed here): then the
// case is skipped naming the bug, so the suite stays green and the case
// passes by itself once the bug is fixed.
func check(t *testing.T, in hostileInput, problem string) {
	t.Helper()
	switch {
	case problem == "":
	case in.bug != "":
		t.Skipf("KNOWN BUG (%s): %s", in.bug, problem)
	default:
		t.Error(problem)
	}
}

// concurrently sends in from n connections at once and checks every answer.
func concurrently(t *testing.T, g *gateway, n int, in hostileInput) {
	t.Helper()
	problems := make(chan string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			problems <- sendInput(t, g, in)
		}()
	}
	wg.Wait()
	close(problems)
	seen := map[string]int{}
	for p := range problems {
		if p != "" {
			seen[p]++
		}
	}
	for p, k := range seen {
		check(t, in, fmt.Sprintf("%d of %d: %s", k, n, p))
	}
}
