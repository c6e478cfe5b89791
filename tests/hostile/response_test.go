package hostile

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// replySeq makes /reply/v1 read the backend's answer (an XPath over it in
// the Out sequence), so the payload limits apply to responses.
const replySeq = `<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--Reply:vv1--Out">
  <property name="n" expression="count(//*)"/>
</sequence>
`

// hostileBackend answers each path with a body a backend should not send.
func hostileBackend(t *testing.T) string {
	bodies := map[string]struct{ ct, body string }{
		"/ok":     {"application/xml", "<a><b>fine</b></a>"},
		"/deep":   {"application/xml", strings.Repeat("<a>", 33) + strings.Repeat("</a>", 33)},
		"/wide":   {"application/xml", "<r>" + strings.Repeat("<b/>", 201) + "</r>"},
		"/dtd":    {"application/xml", `<!DOCTYPE a [<!ENTITY x "xx">]><a>&x;</a>`},
		"/keys":   {"application/json", jsonKeys(51)},
		"/dupkey": {"application/json", `{"from":"alice","\u0066rom":"mallory"}`},
		"/string": {"application/json", `{"a":"` + strings.Repeat("s", 4097) + `"}`},
	}
	be := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/huge" { // 300 MiB, streamed: the backend itself holds none of it
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Length", strconv.Itoa(300<<20))
			chunk := strings.Repeat("h", 1<<20)
			for i := 0; i < 300; i++ {
				if _, err := io.WriteString(w, chunk); err != nil {
					return
				}
			}
			return
		}
		b, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", b.ct)
		_, _ = io.WriteString(w, b.body)
	}))
	t.Cleanup(be.Close)
	return be.URL
}

// TestResponsePayloadLimits: a backend's answer read by an Out sequence
// meets the same threat-protector limits as a request, with 502 and code
// 900502; the gateway stays up with bounded memory.
func TestResponsePayloadLimits(t *testing.T) {
	g := startSpec(t, spec{seqs: map[string]string{"reply_out.xml": replySeq},
		apis: []apiSpec{{"Reply", "/reply", hostileBackend(t)}}})
	cases := []struct {
		path string
		want int
	}{
		{"/ok", 200}, {"/deep", 502}, {"/wide", 502}, {"/dtd", 502}, {"/keys", 502}, {"/string", 502}, {"/dupkey", 502},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			r := send(t, g.traffic, req("GET", "/reply/v1"+c.path, "Connection: close"), 3*time.Second)
			if r.status != c.want {
				t.Fatalf("status %d, want %d; body %q", r.status, c.want, tail(r.body, 300))
			}
			if c.want == 502 && !strings.Contains(r.body, `"900502"`) {
				t.Errorf("want code 900502 (bad response payload): %q", r.body)
			}
		})
	}
	g.bounded()
}

// TestHugeBackendAnswer: a backend answering 300 MiB to one request must
// not take 300 MiB of the gateway's memory (SECURITY.md counts backends'
// answers as untrusted): limits.max_response_body_bytes (64 MiB by default)
// refuses it with 502. Own gateway: it measures peak memory.
func TestHugeBackendAnswer(t *testing.T) {
	g := startSpec(t, spec{apis: []apiSpec{{"Reply", "/reply", hostileBackend(t)}}})
	c := send(t, g.traffic, req("GET", "/reply/v1/huge", "Connection: close"), 10*time.Second)
	t.Logf("status %d after %v; peak VmRSS %d MiB", c.status, c.took.Round(time.Millisecond), g.peakRSS()>>20)
	if c.status != 502 || !strings.Contains(c.body, "response too large") {
		t.Errorf("status %d, body %q; want 502 naming the response size (limits.max_response_body_bytes)", c.status, tail(c.body, 300))
	}
	g.bounded()
}
