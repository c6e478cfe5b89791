package behaviour

import (
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func sleepTick() { time.Sleep(20 * time.Millisecond) }

// The "Breaking Complex Flows into Multiple Sequences" example: the proxy's
// inSequence StockQuoteSeq calls CallStockQuoteSeq (switch on the symbol,
// blocking call to the stock quote API on localhost:8290) and
// TransformAndRespondSeq (payloadFactory, respond); each has an onError
// sequence that logs. The proxy is our API StockQuote, whose In sequence
// references StockQuoteSeq.
var stockQuoteFiles = []string{
	"docs-ei__StockQuoteSeq.xml", "docs-ei__StockQuoteErrorSeq.xml",
	"docs-ei__CallStockQuoteSeq.xml", "docs-ei__CallStockQuoteErrorSeq.xml",
	"docs-ei__TransformAndRespondSeq.xml", "docs-ei__TransformAndRespondErrorSeq.xml",
}

// startStockQuote deploys the example without the files in leave.
func startStockQuote(t *testing.T, leave ...string) *gateway {
	t.Helper()
	fixedBackend(t)
	files := []file{wrap("admin--StockQuote:v1.0.0--In", `<sequence key="StockQuoteSeq"/>`)}
	for _, f := range stockQuoteFiles {
		if !contains(leave, f) {
			files = append(files, corpus(t, f))
		}
	}
	return start(t, setup{APIs: []apiDef{api("StockQuote", "/stockquote")}, Files: files})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// quoteRequest is a SOAP getQuote whose symbol is in the namespace the
// switch reads (//ns:symbol, ns = http://org.apache.synapse/xsd).
func quoteRequest(sym string) string {
	return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
		`<ser:getQuote xmlns:ser="http://org.apache.synapse/xsd"><ser:request><ser:symbol>` + sym +
		`</ser:symbol></ser:request></ser:getQuote></soapenv:Body></soapenv:Envelope>`
}

var soapHeaders = map[string]string{"apikey": apiKey, "Content-Type": "text/xml; charset=UTF-8"}

func TestStockQuoteSequences(t *testing.T) {
	t.Parallel()
	t.Run("docs-ei__StockQuoteSeq.xml", func(t *testing.T) {
		t.Parallel()
		behaviour(t, "docs-ei__StockQuoteSeq.xml", false)
		g := startStockQuote(t)
		r := g.send("POST", "/stockquote/1.0.0", soapHeaders, quoteRequest("IBM"))
		if r.Status != http.StatusOK {
			t.Fatalf("status %d; body %s", r.Status, r.Body)
		}
		g.mustLog(t, "Sequence = StockQuoteSeq, Description = Request recieved")
		g.mustLog(t, "Sequence = CallStockQuoteSeq, Description = Response received from IBM endpoint")
		g.mustLog(t, "Sequence = TransformAndRespondSeq, Description = Responding back to the client")
	})
	t.Run("docs-ei__CallStockQuoteSeq.xml", func(t *testing.T) {
		t.Parallel()
		behaviour(t, "docs-ei__CallStockQuoteSeq.xml", false)
		g := startStockQuote(t)
		r := g.send("POST", "/stockquote/1.0.0", soapHeaders, quoteRequest("IBM"))
		if r.Status != http.StatusOK {
			t.Fatalf("status %d; body %s", r.Status, r.Body)
		}
		calls := fixedBackend(t).byID(r.ID)
		if len(calls) != 1 || calls[0].Method != "GET" || calls[0].Path != "/stockquote/view/IBM" {
			t.Errorf("stock quote API got %d requests %v, want one GET /stockquote/view/IBM", len(calls), calls)
		}
		g.mustLog(t, "Sequence = CallStockQuoteSeq, Description = Calling IBM endpoint")
		g.mustLog(t, "Sequence = CallStockQuoteSeq, Description = Response received from IBM endpoint")
		if n := len(g.backend.byID(r.ID)); n != 0 {
			t.Errorf("the API's own backend was called too")
		}
		g.send("POST", "/stockquote/1.0.0", soapHeaders, quoteRequest("XYZ"))
		g.mustLog(t, "Sequence = CallStockQuoteSeq, Description = Invalid Symbol, Status = ERROR")
	})
	t.Run("docs-ei__TransformAndRespondSeq.xml", func(t *testing.T) {
		t.Parallel()
		behaviour(t, "docs-ei__TransformAndRespondSeq.xml", false)
		g := startStockQuote(t)
		r := g.send("POST", "/stockquote/1.0.0", soapHeaders, quoteRequest("IBM"))
		if r.Status != http.StatusOK {
			t.Fatalf("status %d; body %s", r.Status, r.Body)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
			t.Errorf("Content-Type = %q, want text/xml (a SOAP envelope)", ct)
		} else {
			t.Logf("Content-Type = %q", ct)
		}
		got := elementTexts(t, r.Body)
		want := map[string]string{"Envelope": "", "Body": "", "Information": "", "Name": "IBM Company",
			"Last": "69.75734480144942", "High": "-69.47003220786323", "Low": "72.09188473048964"}
		for k, v := range want {
			if gv, ok := got[k]; !ok || gv != v {
				t.Errorf("response element %s = %q (present %v), want %q; body %s", k, gv, ok, v, r.Body)
			}
		}
	})
	errCases := []struct {
		file, sym string
		leave     []string
		wantLog   string
		notLog    string
	}{
		{"docs-ei__CallStockQuoteErrorSeq.xml", "GOOG", nil,
			"Description = Error occurred in CallStockQuoteSeq, Status = ERROR", "Response received from GOOG endpoint"},
		{"docs-ei__TransformAndRespondErrorSeq.xml", "AMZN", nil,
			"Description = Error occurred in TransformAndRespondSeq, Status = ERROR", "Responding back to the client"},
		{"docs-ei__StockQuoteErrorSeq.xml", "IBM", []string{"docs-ei__CallStockQuoteSeq.xml"},
			"Description = Error occurred in StockQuoteErrorSeq, Status = ERROR", "Response is ready to be transformed"},
	}
	for _, c := range errCases {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			behaviour(t, c.file, false)
			g := startStockQuote(t, c.leave...)
			r := g.send("POST", "/stockquote/1.0.0", soapHeaders, quoteRequest(c.sym))
			g.mustLog(t, c.wantLog)
			// Synapse's fault handler ends the flow: nothing after the
			// failing mediator runs.
			if l := g.stderr.lines(c.notLog); len(l) > 0 {
				t.Errorf("the flow went on after the error handler (status %d): %s", r.Status, l[0])
			}
		})
	}
}

// elementTexts maps each element's local name to its trimmed text (the
// last one wins), enough to read a small response.
func elementTexts(t *testing.T, body []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	d := xml.NewDecoder(strings.NewReader(string(body)))
	var stack []string
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("response is not XML: %v: %s", err, body)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			stack = append(stack, x.Name.Local)
			text.Reset()
		case xml.CharData:
			text.Write(x)
		case xml.EndElement:
			out[x.Name.Local] = strings.TrimSpace(text.String())
			text.Reset()
			stack = stack[:len(stack)-1]
		}
	}
}
