package behaviour

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"
)

// recReq is one request as a backend received it.
type recReq struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
}

// backend is a real HTTP server on 127.0.0.1 standing in for backends. It
// records every request and answers with answer (default: a JSON echo of
// method and path).
type backend struct {
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []recReq
	answer func(w http.ResponseWriter, r *http.Request, body []byte)
}

func newBackend(t *testing.T) *backend {
	b := &backend{}
	b.srv = httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *backend) url() string { return b.srv.URL }

// port is the backend's port, for the system properties some files read.
func (b *backend) port() string {
	_, p, _ := net.SplitHostPort(b.srv.Listener.Addr().String())
	return p
}

func (b *backend) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	b.mu.Lock()
	if len(b.reqs) < 10000 {
		b.reqs = append(b.reqs, recReq{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
	}
	answer := b.answer
	b.mu.Unlock()
	if answer != nil {
		answer(w, r, body)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"backend": "ok", "method": r.Method, "path": r.URL.Path})
}

// setAnswer replaces the default answer.
func (b *backend) setAnswer(f func(w http.ResponseWriter, r *http.Request, body []byte)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.answer = f
}

// byID returns the requests that carried X-Req-Id: id.
func (b *backend) byID(id string) []recReq {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []recReq
	for _, r := range b.reqs {
		if r.Header.Get("X-Req-Id") == id {
			out = append(out, r)
		}
	}
	return out
}

// one is byID for a request that must have arrived exactly once.
func (b *backend) one(t *testing.T, id string) recReq {
	t.Helper()
	rs := b.byID(id)
	if len(rs) != 1 {
		t.Fatalf("backend received request %s %d times, want once", id, len(rs))
	}
	return rs[0]
}

// The fixed-port backend answers the addresses some docs-ei files hard-code
// (http://localhost:9000/services/SimpleStockQuoteService and
// http://localhost:8290/stockquote/view/<SYM>): the files are copied
// unchanged, so the backend has to be where they point. One server, shared
// by every test, started on first use; requests are told apart by X-Req-Id.
var fixed struct {
	once sync.Once
	b    *backend
	err  error
	srvs []*http.Server
}

func fixedBackend(t *testing.T) *backend {
	t.Helper()
	fixed.once.Do(func() {
		fixed.b = &backend{answer: stockQuoteAnswer}
		for _, addr := range []string{"127.0.0.1:9000", "127.0.0.1:8290"} {
			l, err := listenPatiently(addr)
			if err != nil {
				fixed.err = fmt.Errorf("the corpus files hard-code http://localhost:%s/...: cannot listen there: %w", addr[len("127.0.0.1:"):], err)
				return
			}
			s := &http.Server{Handler: http.HandlerFunc(fixed.b.serve)}
			fixed.srvs = append(fixed.srvs, s)
			go func() { _ = s.Serve(l) }()
		}
	})
	if fixed.err != nil {
		t.Fatal(fixed.err)
	}
	return fixed.b
}

// listenPatiently retries for up to 15 s: another package's test (sample
// mode uses 127.0.0.1:9000) may hold the port for a moment.
func listenPatiently(addr string) (net.Listener, error) {
	deadline := time.Now().Add(15 * time.Second)
	for {
		l, err := net.Listen("tcp", addr)
		if err == nil || time.Now().After(deadline) {
			return l, err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func stopFixed() {
	for _, s := range fixed.srvs {
		_ = s.Close()
	}
}

var symbolRE = regexp.MustCompile(`symbol>([A-Z]+)<`)

// stockQuoteAnswer plays Synapse's SimpleStockQuoteService (port 9000) and
// MI's stock quote API (port 8290, /stockquote/view/<SYM>). GOOG on 8290
// closes the connection (a failed call), AMZN answers XML that does not
// parse.
func stockQuoteAnswer(w http.ResponseWriter, r *http.Request, body []byte) {
	switch r.URL.Path {
	case "/stockquote/view/GOOG":
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				_ = c.Close()
				return
			}
		}
		w.WriteHeader(http.StatusInternalServerError)
	case "/stockquote/view/AMZN":
		w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
		_, _ = io.WriteString(w, "<soapenv:Envelope><broken>")
	case "/stockquote/view/IBM":
		w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
		_, _ = io.WriteString(w, quoteResponse("IBM"))
	default:
		sym := "IBM"
		if m := symbolRE.FindSubmatch(body); m != nil {
			sym = string(m[1])
		}
		w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
		_, _ = io.WriteString(w, quoteResponse(sym))
	}
}

// quoteResponse is a SimpleStockQuoteService getQuoteResponse with the
// figures of the docs' example output.
func quoteResponse(sym string) string {
	return `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
		`<ns:getQuoteResponse xmlns:ns="http://services.samples"><ns:return xmlns:ax21="http://services.samples/xsd">` +
		`<ax21:change>-2.86843917118114</ax21:change><ax21:high>72.09188473048964</ax21:high>` +
		`<ax21:last>69.75734480144942</ax21:last><ax21:low>-69.47003220786323</ax21:low>` +
		`<ax21:name>` + sym + ` Company</ax21:name><ax21:symbol>` + sym + `</ax21:symbol>` +
		`</ns:return></ns:getQuoteResponse></soapenv:Body></soapenv:Envelope>`
}
