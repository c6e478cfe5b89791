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
		{"json too many keys", "application/json", jsonKeys(51), 400},
		{"json keys at the limit", "application/json", jsonKeys(50), 200},
		{"json duplicate key", "application/json", `{"from":"alice","from":"mallory"}`, 400},
		{"json duplicate key spelled with an escape", "application/json", `{"from":"alice","\u0066rom":"mallory"}`, 400},
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

// TestLogReadsThroughTheGate: a <log> that reads the body (level="full",
// or a property with an XPath) meets the payload limits like <property>
// and <filter>: a DTD or a 100,000-deep document is refused with 400 and
// never reaches the backend (issue 13 item 10). The body limit is raised
// so that the deep document is not refused for its size.
func TestLogReadsThroughTheGate(t *testing.T) {
	g := startSpec(t, spec{
		limits: strings.Replace(limitsYAML, "max_body_bytes: 65536", "max_body_bytes: 1048576", 1),
		seqs: map[string]string{
			"logfull.xml":  apiSeq("LogFull", `<log level="full"/>`),
			"logxpath.xml": apiSeq("LogXPath", `<log level="custom"><property name="n" expression="count(//*)"/></log>`),
			"logjson.xml":  apiSeq("LogJSON", `<log level="custom"><property name="n" expression="json-eval($.a)"/></log>`),
		},
		apis: []apiSpec{{name: "LogFull", ctx: "/logfull"}, {name: "LogXPath", ctx: "/logxpath"}, {name: "LogJSON", ctx: "/logjson"}},
	})
	dtd := `<!DOCTYPE a [<!ENTITY x "xxxxxxxx">]><a>&x;&x;</a>`
	deep := strings.Repeat("<a>", 100000) + strings.Repeat("</a>", 100000)
	deepJSON := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	cases := []struct {
		name, path, ct, body string
		want                 int
	}{
		{"full, plain XML", "/logfull/v1/x", "application/xml", "<a>fine</a>", 200},
		{"full, DTD", "/logfull/v1/x", "application/xml", dtd, 400},
		{"full, 100000 deep", "/logfull/v1/x", "application/xml", deep, 400},
		{"full, 100000 deep JSON", "/logfull/v1/x", "application/json", deepJSON, 400},
		{"full, duplicate JSON key", "/logfull/v1/x", "application/json", `{"a":1,"a":2}`, 400},
		{"xpath property, plain XML", "/logxpath/v1/x", "application/xml", "<a>fine</a>", 200},
		{"xpath property, DTD", "/logxpath/v1/x", "application/xml", dtd, 400},
		{"xpath property, 100000 deep", "/logxpath/v1/x", "application/xml", deep, 400},
		{"jsonpath property, 100000 deep JSON", "/logjson/v1/x", "application/json", deepJSON, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := g.hits.Load()
			raw := req("POST", c.path, "Content-Type: "+c.ct, fmt.Sprintf("Content-Length: %d", len(c.body)), "Connection: close") + c.body
			r := send(t, g.traffic, raw, 10*time.Second)
			if r.status != c.want {
				t.Fatalf("status %d, want %d; body %q", r.status, c.want, tail(r.body, 300))
			}
			called := g.hits.Load() - before
			if c.want == 400 && (called != 0 || !strings.Contains(r.body, `"900400"`)) {
				t.Errorf("backend called %d times, body %q; want no call and code 900400", called, tail(r.body, 300))
			}
		})
	}
	g.bounded()
}

// jsonKeys is an object with n distinct properties.
func jsonKeys(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%d":1`, i)
	}
	return b.String() + "}"
}

// TestDuplicateJSONKeys: a JSON object naming a property twice is refused
// (400, the backend not called) before any sequence reads it, since
// json-eval reads the first and most backends the last; with
// limits.json_duplicate_keys: allow it goes through (issue 13 item 6).
func TestDuplicateJSONKeys(t *testing.T) {
	// only alice may pass; the backend would act on the last "from"
	seq := apiSeq("From", `<filter source="json-eval($.from)" regex="alice"><then><log level="custom"><property name="from" value="alice"/></log></then><else>`+
		`<payloadFactory media-type="json"><format>{"m":"not alice"}</format><args/></payloadFactory>`+
		`<property name="HTTP_SC" value="403" scope="axis2"/><respond/></else></filter>`)
	body := `{"from":"alice","amount":1,"from":"mallory"}`
	raw := req("POST", "/from/v1/x", "Content-Type: application/json", fmt.Sprintf("Content-Length: %d", len(body)), "Connection: close") + body
	for _, c := range []struct {
		setting string
		want    int
	}{{"", 400}, {"refuse", 400}, {"allow", 200}} {
		t.Run("json_duplicate_keys="+c.setting, func(t *testing.T) {
			limits := limitsYAML
			if c.setting != "" {
				limits = strings.Replace(limitsYAML, "limits:\n", "limits:\n  json_duplicate_keys: "+c.setting+"\n", 1)
			}
			g := startSpec(t, spec{limits: limits, seqs: map[string]string{"from.xml": seq}, apis: []apiSpec{{name: "From", ctx: "/from"}}})
			r := send(t, g.traffic, raw, 5*time.Second)
			if r.status != c.want {
				t.Fatalf("status %d, want %d; body %q; log %s", r.status, c.want, tail(r.body, 300), tail(g.stderr.String(), 1500))
			}
			if hits := g.hits.Load(); c.want == 400 && hits != 0 {
				t.Errorf("the backend was called %d times; want none", hits)
			}
			g.alive()
		})
	}
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
