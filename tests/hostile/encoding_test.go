package hostile

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Compressed bodies (issue 13, item 7): a mediator that reads a gzip or
// deflate body reads its decoded form, within the body limits (a small
// bomb never becomes a large buffer), and what it passes on is that plain
// form, labelled plain. A body nobody reads goes through byte for byte,
// still compressed and labelled. A coding the gateway cannot decode is a
// clear 415 (request) or 502 (answer) when a mediator needs the body.

// gz compresses s.
func gz(t testing.TB, s []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(s); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zeroBomb is n MiB of zeros, gzipped: n gzip members of 1 MiB each, one
// after the other (a valid gzip stream, and instant to build), about 1 KiB
// per MiB.
func zeroBomb(t testing.TB, mib int) []byte {
	t.Helper()
	member := gz(t, make([]byte, 1<<20))
	return bytes.Repeat(member, mib)
}

// encodingBackend answers /gz with gzip XML, /bomb with 1 GiB of gzipped
// zeros, /br with a body labelled br; /echo echoes the request's body and
// reports its Content-Encoding in X-Got-Encoding.
func encodingBackend(t *testing.T) string {
	gzXML := gz(t, []byte("<a><b>fine</b></a>"))
	bomb := zeroBomb(t, 1024)
	be := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/gz":
			w.Header().Set("Content-Type", "application/xml")
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(gzXML)
		case "/bomb":
			w.Header().Set("Content-Type", "application/xml")
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(bomb)
		case "/br":
			w.Header().Set("Content-Type", "application/xml")
			w.Header().Set("Content-Encoding", "br")
			_, _ = w.Write([]byte{0x1b, 0x03, 0x00, 0xf8, 0xa5, 0x40, 0x00})
		case "/echo":
			b, _ := io.ReadAll(r.Body)
			w.Header().Set("X-Got-Encoding", r.Header.Get("Content-Encoding"))
			w.Header().Set("X-Got-Length", strconv.Itoa(len(b)))
			_, _ = w.Write(b)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(be.Close)
	return be.URL
}

// readOut is an Out sequence that reads the answer (an XPath over it).
const readOut = `<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--Read:vv1--Out">
  <property name="n" expression="count(//b)"/>
  <header name="X-Count" expression="get-property('n')" scope="transport"/>
</sequence>`

// readIn is the matching In sequence: it reads the request.
const readIn = `<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--Read:vv1--In">
  <property name="n" expression="count(//b)"/>
  <header name="X-Count" expression="get-property('n')" scope="transport"/>
</sequence>`

// rewriteOut replaces the answer with a payload of its own.
const rewriteOut = `<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--Rewrite:vv1--Out">
  <payloadFactory media-type="xml"><format><done xmlns="">yes</done></format><args/></payloadFactory>
</sequence>`

func TestCompressedBodies(t *testing.T) {
	be := encodingBackend(t)
	g := startSpec(t, spec{
		seqs: map[string]string{"read_out.xml": readOut, "read_in.xml": readIn, "rewrite_out.xml": rewriteOut},
		apis: []apiSpec{{"Read", "/read", be}, {"Rewrite", "/rewrite", be}, {"Pass", "/pass", be}},
	})
	plain := "<a><b>fine</b></a>"
	zipped := gz(t, []byte(plain))
	post := func(path, coding string, body []byte) string {
		return req("POST", path, "Connection: close", "Content-Type: application/xml",
			"Content-Encoding: "+coding, "Content-Length: "+strconv.Itoa(len(body))) + string(body)
	}

	t.Run("gzip answer read by an Out sequence", func(t *testing.T) {
		r := send(t, g.traffic, req("GET", "/read/v1/gz", "Connection: close"), 5*time.Second)
		if r.status != 200 || r.body != plain || r.header.Get("Content-Encoding") != "" || r.header.Get("X-Count") != "1" {
			t.Fatalf("status %d, Content-Encoding %q, X-Count %q, body %q; want 200, plain %q read by the sequence",
				r.status, r.header.Get("Content-Encoding"), r.header.Get("X-Count"), tail(r.body, 200), plain)
		}
		if cl := r.header.Get("Content-Length"); cl != strconv.Itoa(len(plain)) {
			t.Errorf("Content-Length %q, want %d (the decoded length)", cl, len(plain))
		}
	})
	t.Run("gzip answer rewritten", func(t *testing.T) {
		r := send(t, g.traffic, req("GET", "/rewrite/v1/gz", "Connection: close"), 5*time.Second)
		if r.status != 200 || r.header.Get("Content-Encoding") != "" || !strings.Contains(r.body, ">yes</done>") {
			t.Fatalf("status %d, Content-Encoding %q, body %q; want the plain rewritten payload, no gzip label",
				r.status, r.header.Get("Content-Encoding"), tail(r.body, 200))
		}
	})
	t.Run("gzip answer passed through untouched", func(t *testing.T) {
		r := send(t, g.traffic, req("GET", "/pass/v1/gz", "Connection: close"), 5*time.Second)
		if r.status != 200 || r.header.Get("Content-Encoding") != "gzip" || r.body != string(zipped) {
			t.Fatalf("status %d, Content-Encoding %q, body %q; want the backend's gzip bytes, label kept",
				r.status, r.header.Get("Content-Encoding"), tail(r.body, 200))
		}
	})
	t.Run("gzip request read by an In sequence", func(t *testing.T) {
		r := send(t, g.traffic, post("/read/v1/echo", "gzip", zipped), 5*time.Second)
		if r.status != 200 || r.body != plain || r.header.Get("X-Got-Encoding") != "" {
			t.Fatalf("status %d, backend saw encoding %q, body %q; want 200 and the plain body sent on unlabelled",
				r.status, r.header.Get("X-Got-Encoding"), tail(r.body, 200))
		}
	})
	t.Run("deflate request read by an In sequence", func(t *testing.T) {
		var b bytes.Buffer
		zw := newZlib(&b)
		_, _ = zw.Write([]byte(plain))
		_ = zw.Close()
		r := send(t, g.traffic, post("/read/v1/echo", "deflate", b.Bytes()), 5*time.Second)
		if r.status != 200 || r.body != plain {
			t.Fatalf("status %d, body %q; want 200 and the plain body", r.status, tail(r.body, 200))
		}
	})
	t.Run("gzip request passed through untouched", func(t *testing.T) {
		r := send(t, g.traffic, post("/pass/v1/echo", "gzip", zipped), 5*time.Second)
		if r.status != 200 || r.header.Get("X-Got-Encoding") != "gzip" || r.body != string(zipped) {
			t.Fatalf("status %d, backend saw encoding %q, body %q; want the client's gzip bytes, label kept",
				r.status, r.header.Get("X-Got-Encoding"), tail(r.body, 200))
		}
	})
	t.Run("request gzip bomb", func(t *testing.T) {
		bomb := zeroBomb(t, 50) // ~50 KiB, under max_body_bytes (64 KiB); 50 MiB decoded
		r := send(t, g.traffic, post("/read/v1/echo", "gzip", bomb), 5*time.Second)
		if r.status != 413 {
			t.Fatalf("%d-byte bomb: status %d, body %q; want 413", len(bomb), r.status, tail(r.body, 300))
		}
	})
	t.Run("answer gzip bomb", func(t *testing.T) {
		r := send(t, g.traffic, req("GET", "/read/v1/bomb", "Connection: close"), 30*time.Second)
		if r.status != 502 || !strings.Contains(r.body, `"900502"`) {
			t.Fatalf("status %d, body %q; want 502 (1 GiB decoded is over max_response_body_bytes)", r.status, tail(r.body, 300))
		}
	})
	t.Run("unknown coding read", func(t *testing.T) {
		r := send(t, g.traffic, post("/read/v1/echo", "br", []byte("\x1b\x03\x00\xf8")), 5*time.Second)
		if r.status != 415 {
			t.Errorf("br request read by a sequence: status %d, body %q; want 415", r.status, tail(r.body, 300))
		}
		r = send(t, g.traffic, req("GET", "/read/v1/br", "Connection: close"), 5*time.Second)
		if r.status != 502 || !strings.Contains(r.body, "content-encoding") {
			t.Errorf("br answer read by a sequence: status %d, body %q; want 502 naming the encoding", r.status, tail(r.body, 300))
		}
	})
	t.Logf("after the bombs: %s", g.mem())
	if p := g.peakRSS(); p > 128<<20 { // a 64 MiB buffer at most, never a doubling chain of them
		t.Errorf("peak VmRSS %d MiB after the bombs, want < 128 MiB", p>>20)
	}
	g.bounded()
}

func newZlib(w io.Writer) io.WriteCloser { return zlib.NewWriter(w) }
