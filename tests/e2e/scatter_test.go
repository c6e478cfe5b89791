package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// quoteServer is a real backend on 127.0.0.1 answering
// <quotes><quote>BODY</quote></quotes> (the request body echoed).
func quoteServer(t *testing.T) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write([]byte("<quotes><quote>" + string(b) + "</quote></quotes>"))
	}))
	t.Cleanup(s.Close)
	return s.URL
}

// closingServer reads a request and closes the connection without an
// answer: a backend that fails.
func closingServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4096)
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, _ = c.Read(buf)
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	return l.Addr().String()
}

// goroutines reads the gateway's goroutines from its pprof index: how
// many there are outside the transports (fasthttp keeps idle server workers
// for 10 s and a cleaner per backend host, net/http a goroutine per admin
// connection: those come and go on their own), and the dump.
func (g *gateway) goroutines(t *testing.T) (int, string) {
	t.Helper()
	st, _, body := get(g.client, g.admin+"/debug/pprof/goroutine?debug=1")
	if st != http.StatusOK || !bytes.HasPrefix(body, []byte("goroutine profile: total ")) {
		t.Fatalf("pprof goroutine: %d %.200s", st, body)
	}
	n := 0
	for _, grp := range strings.Split(string(body), "\n\n")[1:] {
		if strings.Contains(grp, "valyala/fasthttp") || strings.Contains(grp, "net/http") {
			continue
		}
		var c int
		if _, err := fmt.Sscanf(grp, "%d @", &c); err == nil {
			n += c
		}
	}
	return n, string(body)
}

// TestScatterGatherEndToEnd runs clone/iterate/aggregate through the real
// binary against three real backends on 127.0.0.1: one answering, one
// silent (slower than the aggregate's timeout), one closing the connection.
// It checks the aggregated answer, that the slow branch is cut at the
// aggregate's timeout (not the 60 s backend timeout), the branch cap, the
// Synapse pattern with the aggregate on the response path (the API's own
// backend is not called), and that no goroutine is left after the requests.
func TestScatterGatherEndToEnd(t *testing.T) {
	t.Parallel()
	fast, slow, failing := quoteServer(t), "http://"+silentServer(t), "http://"+closingServer(t)
	clone := seq("admin--Orders:v1.0.0--In",
		`<clone id="sg">
		   <target><endpoint><address uri="`+fast+`/a"/></endpoint></target>
		   <target><sequence><call><endpoint><address uri="`+fast+`/b"/></endpoint></call></sequence></target>
		   <target><endpoint><address uri="`+slow+`/slow"/></endpoint></target>
		   <target><endpoint><address uri="`+failing+`/fail"/></endpoint></target>
		 </clone>
		 <aggregate id="sg"><completeCondition timeout="1"><messageCount min="-1" max="-1"/></completeCondition>
		   <onComplete expression="//quote"><respond/></onComplete></aggregate>`)
	iterIn := seq("admin--Items:v1.0.0--In",
		`<iterate id="it" expression="//item"><target><sequence>
		   <send><endpoint><address uri="`+fast+`/item"/></endpoint></send></sequence></target></iterate>`)
	iterOut := seq("admin--Items:v1.0.0--Out",
		`<aggregate id="it"><completeCondition><messageCount min="-1" max="-1"/></completeCondition>
		   <onComplete expression="//quote"><send/></onComplete></aggregate>`)
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI(), api("Items", "/items")},
		Limits: map[string]int{"max_branches_per_request": 4}},
		seqFile{0, "orders_in.xml", clone}, seqFile{0, "items_in.xml", iterIn}, seqFile{0, "items_out.xml", iterOut})
	xml := map[string]string{"Content-Type": "application/xml"}

	start := time.Now()
	r := g.doReq("POST", "/orders/1.0.0/q", withKey(keyApp1, "Content-Type", "text/plain"), "IBM")
	took := time.Since(start)
	if r.Status != http.StatusOK || string(r.Body) != "<quotes><quote>IBM</quote><quote>IBM</quote></quotes>" {
		t.Fatalf("clone: %d %q, want 200 and the two answers aggregated", r.Status, r.Body)
	}
	if took > 30*time.Second { // the silent backend holds its call for timeouts.backend (60s)
		t.Errorf("clone took %s: the slow branch was not cut at the aggregate's 1s timeout", took)
	}
	waitFor(t, "the slow and the failing branch logged as missing", 10*time.Second, func() bool {
		return len(g.stderr.lines("a branch did not arrive", `"branch":3`, "timed out")) == 1 &&
			len(g.stderr.lines("a branch did not arrive", `"branch":4`, "closed")) == 1
	})

	hdr := withKey(keyApp1)
	for k, v := range xml {
		hdr[k] = v
	}
	r = g.doReq("POST", "/items/1.0.0/x", hdr, "<items><item>a</item><item>b</item><item>c</item></items>")
	want := "<quotes><quote><item>a</item></quote><quote><item>b</item></quote><quote><item>c</item></quote></quotes>"
	if r.Status != http.StatusOK || string(r.Body) != want {
		t.Fatalf("iterate, aggregate on the response path: %d %q, want 200 %q", r.Status, r.Body, want)
	}
	if n := g.backend.count.Load(); n != 0 {
		t.Errorf("the API's own backend got %d requests: iterate without continueParent must stop the original message", n)
	}

	// The process's own goroutines (watchers, publisher...) have started
	// by now; from here on their count must not grow.
	before, _ := g.goroutines(t)

	r = g.doReq("POST", "/items/1.0.0/x", hdr, "<items>"+strings.Repeat("<item>a</item>", 5)+"</items>")
	if r.Status < 500 || g.backend.count.Load() != 0 {
		t.Errorf("5 branches over limits.max_branches_per_request=4: %d %q, want a 5xx fault and no backend call", r.Status, r.Body)
	}
	waitFor(t, "the refusal naming the cap in the log", 10*time.Second, func() bool {
		return strings.Contains(g.stderr.String(), "limits.max_branches_per_request (4)")
	})

	// Many concurrent scatters with distinct bodies: each gets its own.
	errs := make(chan string, 20)
	for i := 0; i < 20; i++ {
		go func() {
			body := "<items><item>" + strconv.Itoa(i) + "</item><item>x" + strconv.Itoa(i) + "</item></items>"
			r := g.doReq("POST", "/items/1.0.0/x", hdr, body)
			want := "<quotes><quote><item>" + strconv.Itoa(i) + "</item></quote><quote><item>x" + strconv.Itoa(i) + "</item></quote></quotes>"
			if r.Status != http.StatusOK || string(r.Body) != want {
				errs <- r.ID + ": " + string(r.Body)
				return
			}
			errs <- ""
		}()
	}
	for i := 0; i < 20; i++ {
		if e := <-errs; e != "" {
			t.Errorf("concurrent scatter got another request's answer or failed: %s", e)
		}
	}

	// No goroutine outlives its request: once the answers are in, none
	// runs mediation code, and the total is back near the count before:
	// what may stay is the transport's (per backend host an idle-connection
	// cleaner, the dialer's cache cleaner, a server worker per keep-alive
	// connection, closed here).
	var after int
	var dump string
	for i := 0; i < 100; i++ {
		// mediation/deadline is in every connection's read (the listener's
		// lazily armed deadlines): a transport frame, not mediation code.
		if after, dump = g.goroutines(t); !strings.Contains(strings.ReplaceAll(dump, "seqgate/mediation/deadline", ""), "seqgate/mediation") && after <= before {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	var left []string
	for _, grp := range strings.Split(dump, "\n\n")[1:] {
		if !strings.Contains(grp, "valyala/fasthttp") && !strings.Contains(grp, "net/http") {
			left = append(left, grp)
		}
	}
	t.Errorf("goroutines outside the transports: %d before the scatters, %d after:\n%s", before, after, strings.Join(left, "\n\n"))
}

// stockQuoteServer stands in for Synapse's SimpleStockQuoteService on
// 127.0.0.1: a getQuote for a symbol is answered with a SOAP 1.1
// getQuoteResponse naming it.
func stockQuoteServer(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	sym := regexp.MustCompile(`<(?:\w+:)?symbol>([^<]*)<`)
	var calls atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		m := sym.FindSubmatch(b)
		if m == nil {
			http.Error(w, "no symbol", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
		fmt.Fprintf(w, `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>`+
			`<ns:getQuoteResponse xmlns:ns="http://services.samples"><ns:return><ns:symbol>%s</ns:symbol></ns:return></ns:getQuoteResponse>`+
			`</soapenv:Body></soapenv:Envelope>`, m[1])
	}))
	t.Cleanup(s.Close)
	return s.URL, &calls
}

// TestScatterGatherCorpus runs the corpus' nested split unchanged but for
// its backend address (localhost:9000 → a stock quote stand-in on
// 127.0.0.1): IterateMediatorSequence on the request path (an iterate by
// getQuote, in each branch an iterate by request, each part sent), and
// aggregateMessages on the response path (aggregate iterate2 per getQuote,
// its onComplete aggregating iterate1, then <send/>). The client gets one
// envelope with a getQuoteResponse per symbol; the API's own backend is
// never called.
func TestScatterGatherCorpus(t *testing.T) {
	t.Parallel()
	quotes, _ := stockQuoteServer(t)
	local := func(name string) string {
		return strings.ReplaceAll(corpusSeq(t, name), "http://localhost:9000", quotes)
	}
	g := startGateway(t, gwConfig{APIs: []apiDef{api("Quotes", "/quotes")}},
		seqFile{0, "mi-test__IterateMediatorSequence.xml", local("mi-test__IterateMediatorSequence.xml")},
		seqFile{0, "mi-test__aggregateMessages.xml", local("mi-test__aggregateMessages.xml")},
		seqFile{0, "quotes_in.xml", seq("admin--Quotes:v1.0.0--In", `<sequence key="IterateMediatorSequence"/>`)},
		seqFile{0, "quotes_out.xml", seq("admin--Quotes:v1.0.0--Out", `<sequence key="aggregateMessages"/>`)})
	req := `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
		`<m0:getQuotes xmlns:m0="http://services.samples">` +
		`<m0:getQuote><m0:request><m0:symbol>IBM</m0:symbol></m0:request><m0:request><m0:symbol>WSO2</m0:symbol></m0:request></m0:getQuote>` +
		`<m0:getQuote><m0:request><m0:symbol>MSFT</m0:symbol></m0:request></m0:getQuote>` +
		`</m0:getQuotes></soapenv:Body></soapenv:Envelope>`
	r := g.doReq("POST", "/quotes/1.0.0/q", withKey(keyApp1, "Content-Type", "text/xml", "SOAPAction", "urn:getQuote"), req)
	if r.Status != http.StatusOK {
		t.Fatalf("status %d, body %s", r.Status, r.Body)
	}
	got := regexp.MustCompile(`<ns:symbol>(\w+)</ns:symbol>`).FindAllStringSubmatch(string(r.Body), -1)
	var syms []string
	for _, m := range got {
		syms = append(syms, m[1])
	}
	if strings.Join(syms, ",") != "IBM,WSO2,MSFT" || strings.Count(string(r.Body), "<soapenv:Envelope") != 1 {
		t.Errorf("want one envelope with the three quotes in split order, got %s", r.Body)
	}
	if n := g.backend.count.Load(); n != 0 {
		t.Errorf("the API's own backend got %d requests; the iterates stop the original message", n)
	}
}

// TestScatterCloneCorpus runs the corpus' cloningMessages5 (a sequential
// clone of the request to four targets, each logging and sending it on,
// no aggregate) as an API's In sequence, its address pointed at the stock
// quote stand-in: the service gets the four copies, the API's own backend
// none, and the client the first answer, as the first of Synapse's four
// responses to reach it would be.
func TestScatterCloneCorpus(t *testing.T) {
	t.Parallel()
	quotes, calls := stockQuoteServer(t)
	g := startGateway(t, gwConfig{APIs: []apiDef{api("Quotes", "/quotes")}},
		seqFile{0, "mi-test__cloningMessages5.xml", strings.ReplaceAll(corpusSeq(t, "mi-test__cloningMessages5.xml"), "http://localhost:9000", quotes)},
		seqFile{0, "quotes_in.xml", seq("admin--Quotes:v1.0.0--In", `<sequence key="cloningMessages5"/>`)})
	req := `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
		`<m0:getQuote xmlns:m0="http://services.samples"><m0:request><m0:symbol>IBM</m0:symbol></m0:request></m0:getQuote>` +
		`</soapenv:Body></soapenv:Envelope>`
	r := g.doReq("POST", "/quotes/1.0.0/q", withKey(keyApp1, "Content-Type", "text/xml", "SOAPAction", "urn:getQuote"), req)
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), "<ns:getQuoteResponse") || !strings.Contains(string(r.Body), "IBM") {
		t.Fatalf("want 200 and the service's getQuoteResponse, got %d %s", r.Status, r.Body)
	}
	if n := calls.Load(); n != 4 {
		t.Errorf("the service got %d copies, want 4", n)
	}
	if n := g.backend.count.Load(); n != 0 {
		t.Errorf("the API's own backend got %d requests; the clone stops the original message", n)
	}
	waitFor(t, "the four targets' full logs", 10*time.Second, func() bool {
		return len(g.stderr.lines("clone3_target")) == 4
	})
}
