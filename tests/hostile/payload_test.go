package hostile

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/testbin"
)

// TestPayloadLimits: a sequence that reads the payload meets the limits of
// WSO2's XML and JSON threat protectors before any tree is built: 400 with
// code 900400. A body that stays within them is served.
func TestPayloadLimits(t *testing.T) {
	g := startGateway(t, "")
	attrs := func(n, size int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, ` a%d="%s"`, i, strings.Repeat("v", size))
		}
		return b.String()
	}
	cases := []struct {
		name, ct, body string
		want           int
	}{
		{"xml within limits", "application/xml", "<a" + attrs(8, 10) + ">" + strings.Repeat("<b>t</b>", 100) + "</a>", 200},
		{"xml too deep", "application/xml", strings.Repeat("<a>", 33) + strings.Repeat("</a>", 33), 400},
		{"xml too many elements", "application/xml", "<r>" + strings.Repeat("<a>"+strings.Repeat("<b/>", 100)+"</a>", 11) + "</r>", 400},
		{"xml too many children", "application/xml", "<r>" + strings.Repeat("<b/>", 201) + "</r>", 400},
		{"xml too many attributes", "application/xml", "<a" + attrs(9, 1) + "/>", 400},
		{"xml attribute too long", "application/xml", "<a" + attrs(1, 257) + "/>", 400},
		{"xml text too long", "application/xml", "<a>" + strings.Repeat("t", 4097) + "</a>", 400},
		{"xml doctype", "application/xml", `<!DOCTYPE a [<!ENTITY x "xxxxxxxx">]><a>&x;&x;</a>`, 400},
		{"json within limits", "application/json", `{"a":[` + strings.Repeat(`{"k":"v"},`, 99) + `{"k":"v"}]}`, 200},
		{"json too deep", "application/json", strings.Repeat("[", 33) + strings.Repeat("]", 33), 400},
		{"json too many keys", "application/json", "{" + strings.TrimSuffix(strings.Repeat(`"k":1,`, 51), ",") + "}", 400},
		{"json array too long", "application/json", "[" + strings.TrimSuffix(strings.Repeat("1,", 1001), ",") + "]", 400},
		{"json string too long", "application/json", `{"a":"` + strings.Repeat("s", 4097) + `"}`, 400},
		{"json key too long", "application/json", `{"` + strings.Repeat("k", 65) + `":1}`, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := req("POST", "/payload/v1/x", "Content-Type: "+c.ct, fmt.Sprintf("Content-Length: %d", len(c.body)), "Connection: close") + c.body
			r := send(t, g.traffic, raw, 3*time.Second)
			if r.status != c.want {
				t.Fatalf("status %d, want %d; body %q", r.status, c.want, tail(r.body, 300))
			}
			if c.want == 400 && !strings.Contains(r.body, `"900400"`) {
				t.Errorf("want code 900400 (bad payload): %q", r.body)
			}
		})
	}
	g.bounded()
}

// TestFlood: many concurrent connections each sending the largest body and
// headers allowed to a payload-reading API: memory stays bounded, the
// gateway keeps serving.
func TestFlood(t *testing.T) {
	g := startGateway(t, "")
	part := "<s>" + strings.Repeat("<a>"+strings.Repeat("t", 60)+"</a>", 100) + "</s>"
	body := "<r>" + strings.Repeat(part, 9) + "</r>" // ~60 KiB, 910 elements: under every limit
	raw := req("POST", "/payload/v1/x", "Content-Type: application/xml", fmt.Sprintf("Content-Length: %d", len(body)),
		"X-Pad: "+strings.Repeat("p", 1900), "Connection: close") + body
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	n := 200
	if testbin.Race() {
		n = 16 // a race-built gateway parses ~10x slower: 200 (or 40) overrun the 1s header_read
	}
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := send(t, g.traffic, raw, 10*time.Second)
			mu.Lock()
			statuses[r.status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[200] != n {
		t.Errorf("statuses %v, want 200 × %d", statuses, n)
	}
	t.Logf("VmRSS after %d concurrent 60 KiB XML requests: %d MiB, peak %d MiB", n, g.rss()>>20, g.peakRSS()>>20)
	g.bounded()
}
