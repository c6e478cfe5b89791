package behaviour

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestHeaderRouting: "Routing Based on Message Headers". The proxy's
// switch on the CustomHeader transport header is our API's In sequence;
// sequence1-3 and send_seq are the corpus files. send_seq calls
// http://localhost:9000/services/SimpleStockQuoteService (the fixed-port
// backend).
func TestHeaderRouting(t *testing.T) {
	t.Parallel()
	files := []string{"docs-ei__send_seq.xml", "docs-ei__sequence1.xml", "docs-ei__sequence2.xml", "docs-ei__sequence3.xml"}
	startRouting := func(t *testing.T) *gateway {
		fixedBackend(t)
		fs := []file{wrap("admin--Router:v1.0.0--In",
			`<switch source="get-property('transport','CustomHeader')">`,
			`<case regex="application/json"><sequence key="sequence1"/></case>`,
			`<case regex="text/xml"><sequence key="sequence2"/></case>`,
			`<default><log level="custom"><property name="AcceptHeader" value="other"/></log><sequence key="sequence3"/></default>`,
			`</switch>`)}
		for _, f := range files {
			fs = append(fs, corpus(t, f))
		}
		return start(t, setup{APIs: []apiDef{api("Router", "/router")}, Files: fs})
	}
	ask := func(t *testing.T, g *gateway, custom string) reply {
		t.Helper()
		r := g.send("POST", "/router/1.0.0", map[string]string{"apikey": apiKey,
			"Content-Type": "text/xml; charset=UTF-8", "CustomHeader": custom}, quoteRequest("IBM"))
		if r.Status != http.StatusOK {
			t.Fatalf("status %d; body %s", r.Status, r.Body)
		}
		if !strings.Contains(string(r.Body), "getQuoteResponse") {
			t.Errorf("body %s is not the stock quote answer", r.Body)
		}
		return r
	}
	t.Run("docs-ei__send_seq.xml", func(t *testing.T) {
		t.Parallel()
		behaviour(t, "docs-ei__send_seq.xml", false)
		g := startRouting(t)
		r := ask(t, g, "other")
		calls := fixedBackend(t).byID(r.ID)
		if len(calls) != 1 || calls[0].Path != "/services/SimpleStockQuoteService" {
			t.Fatalf("SimpleStockQuoteService got %v, want 1 request", calls)
		}
		sa, body := calls[0].Header.Get("SOAPAction"), string(calls[0].Body)
		if !strings.Contains(sa, "urn:getQuote") && !(strings.Contains(body, "Action") && strings.Contains(body, "urn:getQuote")) {
			t.Errorf("backend saw SOAPAction %q and body %s: no urn:getQuote action", sa, body)
		}
	})
	t.Run("docs-ei__sequence1.xml", func(t *testing.T) {
		t.Parallel()
		behaviour(t, "docs-ei__sequence1.xml", false)
		r := ask(t, startRouting(t), "application/json")
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type = %q, want application/json", ct)
		}
		var v map[string]any
		if err := json.Unmarshal(r.Body, &v); err != nil {
			t.Errorf("body is not JSON: %v: %s", err, r.Body)
		}
	})
	t.Run("docs-ei__sequence2.xml", func(t *testing.T) {
		t.Parallel()
		behaviour(t, "docs-ei__sequence2.xml", false)
		r := ask(t, startRouting(t), "text/xml")
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") || !strings.Contains(string(r.Body), "Envelope") {
			t.Errorf("Content-Type %q, body %s: want a text/xml SOAP envelope", ct, r.Body)
		}
	})
	t.Run("docs-ei__sequence3.xml", func(t *testing.T) {
		t.Parallel()
		behaviour(t, "docs-ei__sequence3.xml", false)
		g := startRouting(t)
		r := ask(t, g, "something/else")
		g.mustLog(t, "AcceptHeader = other")
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") || !strings.Contains(string(r.Body), "Envelope") {
			t.Errorf("Content-Type %q, body %s: want the backend's text/xml SOAP answer unchanged", ct, r.Body)
		}
	})
}

// TestSendSequences: in/out sequences of the docs' proxies, made the In or
// Out sequence of an API by a one-line reference.
func TestSendSequences(t *testing.T) {
	t.Parallel()
	t.Run("docs-ei__proxy_1.xml", func(t *testing.T) {
		t.Parallel()
		behaviour(t, "docs-ei__proxy_1.xml", false)
		fixed := fixedBackend(t)
		g := start(t, setup{APIs: []apiDef{api("Proxy1", "/proxy1")}, Files: []file{corpus(t, "docs-ei__proxy_1.xml"),
			wrap("admin--Proxy1:v1.0.0--In", `<sequence key="proxy_1"/>`)}})
		r := g.send("POST", "/proxy1/1.0.0/", soapHeaders, quoteRequest("MSFT"))
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "MSFT Company") {
			t.Errorf("client got %d %s, want SimpleStockQuoteService's MSFT quote", r.Status, r.Body)
		}
		if n := len(fixed.byID(r.ID)); n != 1 {
			t.Errorf("SimpleStockQuoteService got %d requests, want 1", n)
		}
		if n := len(g.backend.byID(r.ID)); n != 0 {
			t.Errorf("the API's configured backend was called too")
		}
	})
	t.Run("docs-ei__out.xml", func(t *testing.T) {
		t.Parallel()
		behaviour(t, "docs-ei__out.xml", false)
		g := start(t, setup{APIs: []apiDef{api("Out", "/out")}, Files: []file{corpus(t, "docs-ei__out.xml"),
			wrap("admin--Out:v1.0.0--Out", `<sequence key="out"/>`, `<property name="X-After-Send" value="ran" scope="transport"/>`)}})
		r := g.send("GET", "/out/1.0.0/x", key(), "")
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"backend":"ok"`) {
			t.Errorf("client got %d %s, want the backend's answer", r.Status, r.Body)
		}
		if r.Header.Get("X-After-Send") != "" {
			t.Errorf("mediation went on after <send/>")
		}
	})
	t.Run("docs-ei__stockquote.xml", func(t *testing.T) {
		t.Parallel()
		behaviour(t, "docs-ei__stockquote.xml", false)
		be := newBackend(t)
		g := start(t, setup{Backend: be, APIs: []apiDef{api("Quote", "/quote")},
			Endpoints: []file{endpointFile("simple", be.url()+"/simple")},
			Files: []file{corpus(t, "docs-ei__stockquote.xml"), wrap("admin--Quote:v1.0.0--In",
				`<property name="direction" value="incoming"/>`, `<sequence key="stockquote"/>`)}})
		r := g.send("GET", "/quote/1.0.0/x", key(), "")
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"backend":"ok"`) {
			t.Errorf("client got %d %s, want the endpoint's answer", r.Status, r.Body)
		}
		if rs := be.byID(r.ID); len(rs) != 1 || !strings.HasPrefix(rs[0].Path, "/simple") {
			t.Errorf("endpoint simple got %v, want one request", rs)
		}
		g.mustLog(t, "Text = Sending quote request, direction = incoming")
	})
	t.Run("docs-ei__creditSeq.xml", func(t *testing.T) {
		t.Parallel()
		behaviour(t, "docs-ei__creditSeq.xml", false)
		be := newBackend(t)
		be.setAnswer(func(w http.ResponseWriter, _ *http.Request, _ []byte) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"credit":"approved-7731"}`))
		})
		// personInfoSeq (refused: xslt) sends to CreditEpr with
		// receive="creditSeq"; our API's In sequence does the send.
		g := start(t, setup{Backend: be, APIs: []apiDef{api("Person", "/person")},
			Endpoints: []file{endpointFile("CreditEpr", be.url()+"/credit")},
			Files: []file{corpus(t, "docs-ei__creditSeq.xml"), wrap("admin--Person:v1.0.0--In",
				`<send receive="creditSeq"><endpoint key="CreditEpr"/></send>`)}})
		r := g.send("POST", "/person/1.0.0/", key("Content-Type", "application/json"), `{"amount":100}`)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "approved-7731") {
			t.Errorf("client got %d %s, want CreditEpr's answer", r.Status, r.Body)
		}
		if n := len(be.byID(r.ID)); n != 1 {
			t.Errorf("CreditEpr got %d requests, want 1", n)
		}
		g.mustLog(t, "approved-7731") // the full log of the response
	})
}

// TestCacheExample: the cache mediator example's main sequence, run as the
// API's In and Out sequence: repeated identical POSTs within 20 s are
// answered from the cache.
func TestCacheExample(t *testing.T) {
	t.Parallel()
	const f = "docs-ei__cache-example.xml"
	t.Run(f, func(t *testing.T) {
		t.Parallel()
		behaviour(t, f, false)
		fixed := fixedBackend(t)
		g := start(t, setup{APIs: []apiDef{api("Cached", "/cached")}, Files: []file{corpus(t, f),
			wrap("admin--Cached:v1.0.0--In", `<sequence key="main"/>`),
			wrap("admin--Cached:v1.0.0--Out", `<sequence key="main"/>`)}})
		hdr := map[string]string{"apikey": apiKey, "Content-Type": "text/xml", "X-Req-Id": "cache-" + g.trafficP}
		var bodies []string
		for i := 0; i < 3; i++ {
			r := g.send("POST", "/cached/1.0.0/", hdr, quoteRequest("IBM"))
			if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "getQuoteResponse") {
				t.Fatalf("request %d: %d %s, want the quote", i, r.Status, r.Body)
			}
			bodies = append(bodies, string(r.Body))
		}
		if n := len(fixed.byID(hdr["X-Req-Id"])); n != 1 {
			t.Errorf("backend got %d of 3 identical POSTs, want 1 (the rest from the cache)", n)
		}
		if bodies[1] != bodies[0] || bodies[2] != bodies[0] {
			t.Errorf("cached answers differ from the first: %q vs %q", bodies[1], bodies[0])
		}
		g.send("POST", "/cached/1.0.0/", hdr, quoteRequest("SUN"))
		if n := len(fixed.byID(hdr["X-Req-Id"])); n != 2 {
			t.Errorf("a different body was answered from the cache (backend calls %d, want 2)", n)
		}
	})
}

// TestRefusedOnPurpose: files that need a mediator seqgate refuses on
// purpose are refused at deploy time with the reason named.
func TestRefusedOnPurpose(t *testing.T) {
	t.Parallel()
	cases := []struct{ file, reason string }{
		{"docs-ei__StoreSend.xml", "store"},
		{"docs-ei__request.xml", "store"},
		{"docs-ei__personInfoSeq.xml", "xslt"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			behaviour(t, c.file, true)
			g := start(t, setup{APIs: []apiDef{api("Any", "/any")}, Files: []file{corpus(t, c.file)}})
			state, msg := g.fileState(c.file)
			if state != "refused" || !strings.Contains(msg, c.reason) {
				t.Errorf("admin status: state %q, error %q; want refused naming %q", state, msg, c.reason)
			}
			g.mustLog(t, "sequence refused", c.reason)
		})
	}
}
