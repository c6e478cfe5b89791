package mediation_test

import (
	"bufio"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

// TestDropTrailers: trailer fields are counted, then dropped with their
// announcement; header-section values of the same names stay.
func TestDropTrailers(t *testing.T) {
	cases := []struct {
		name, raw      string
		n              int
		apikey, header string // after the drop
	}{
		{"unannounced", "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\napikey: SECRET\r\nX-T: 1\r\n\r\n", 2, "", "X-T"},
		{"announced, also a header", "POST /x HTTP/1.1\r\nHost: a\r\nTrailer: apikey\r\napikey: HDR\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\napikey: SECRET\r\n\r\n", 1, "HDR", "Trailer"},
		{"none", "POST /x HTTP/1.1\r\nHost: a\r\napikey: HDR\r\nContent-Length: 3\r\n\r\nabc", 0, "HDR", "X-T"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var req fasthttp.Request
			if err := req.Read(bufio.NewReader(strings.NewReader(c.raw))); err != nil {
				t.Fatal(err)
			}
			if n, _ := mediation.TrailerSize(&req); n != c.n {
				t.Errorf("trailerSize = %d fields, want %d", n, c.n)
			}
			mediation.DropTrailers(&req.Header)
			if n, size := mediation.TrailerSize(&req); n != 0 || size != 0 {
				t.Errorf("after the drop: %d fields, %d bytes", n, size)
			}
			if v := string(req.Header.Peek("apikey")); v != c.apikey {
				t.Errorf("apikey %q, want %q", v, c.apikey)
			}
			if v := req.Header.Peek(c.header); len(v) > 0 {
				t.Errorf("%s still %q", c.header, v)
			}
			if string(req.Body()) != "abc" {
				t.Errorf("body %q", req.Body())
			}
		})
	}
}
