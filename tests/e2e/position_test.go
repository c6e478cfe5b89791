package e2e

import (
	"net/http"
	"testing"
	"time"
)

// TestExtensionPosition: with "bottom" the global In sequence runs only
// after auth (an unauthenticated request gets 401 and the sequence leaves no
// trace); with "top" it runs first (it answers 299 before auth can refuse).
// The sequence logs the request's X-Marker header, so each request's trace
// can be looked for on stderr.
func TestExtensionPosition(t *testing.T) {
	t.Parallel()
	globalIn := seq("WSO2AM--Ext--In",
		`<log level="custom"><property name="marker" expression="$trp:X-Marker"/></log>`,
		respondWith(299, `{"by":"extension"}`))
	gws := map[string]*gateway{}
	for _, pos := range []string{"bottom", "top"} {
		gws[pos] = startGateway(t, gwConfig{Position: pos}, seqFile{0, "global_in.xml", globalIn})
	}
	cases := []struct {
		name, position, key string
		wantStatus          int
		wantRan             bool
	}{
		{"bottom without key", "bottom", "", http.StatusUnauthorized, false},
		{"bottom with key", "bottom", keyApp1, 299, true},
		{"top without key", "top", "", 299, true},
		{"top with bad key", "top", "nope", 299, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := gws[c.position]
			marker := "marker-" + c.position + "-" + c.key + "-" + t.Name()
			hdr := map[string]string{"X-Marker": marker}
			if c.key != "" {
				hdr["apikey"] = c.key
			}
			r := g.doReq("GET", "/orders/1.0.0/1", hdr, "")
			if r.Status != c.wantStatus {
				t.Errorf("status = %d, want %d; body %s", r.Status, c.wantStatus, r.Body)
			}
			// A later request whose trace we wait for: stderr is ordered, so
			// once its marker is there, ours would be too if it ran.
			fence := "fence-" + r.ID
			g.doReq("GET", "/orders/1.0.0/1", withKey(keyApp1, "X-Marker", fence), "")
			waitFor(t, "the fence request's log line", 3*time.Second, func() bool {
				return len(g.stderr.lines(fence)) > 0
			})
			if ran := len(g.stderr.lines(marker)) > 0; ran != c.wantRan {
				t.Errorf("global In sequence ran = %v, want %v (position %s)", ran, c.wantRan, c.position)
			}
		})
	}
}
