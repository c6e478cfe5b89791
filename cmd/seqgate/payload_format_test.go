package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"
)

// recorder is a backend on 127.0.0.1 that keeps what it received and
// answers XML on /xmlback/* and JSON elsewhere.
type recorder struct {
	mu               sync.Mutex
	ct, body, accept string
	contentLength    int
}

func startRecorder(t *testing.T) (string, *recorder) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	s := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		r.mu.Lock()
		r.ct, r.body = string(ctx.Request.Header.ContentType()), string(ctx.Request.Body())
		r.accept, r.contentLength = string(ctx.Request.Header.Peek("Accept")), ctx.Request.Header.ContentLength()
		r.mu.Unlock()
		if strings.Contains(string(ctx.Path()), "/xmlback") {
			ctx.SetContentType("application/xml")
			ctx.SetBodyString(`<order><id>7</id><item>a</item><item>b</item></order>`)
			return
		}
		ctx.SetContentType("application/json")
		ctx.SetBodyString(`{"id":7,"tags":["a","b"]}`)
	}}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Shutdown() })
	return "http://" + ln.Addr().String(), r
}

func (r *recorder) got() (ct, body, accept string, cl int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ct, r.body, r.accept, r.contentLength
}

const formatConfig = `
listen: { http: "127.0.0.1:0", admin: "off" }
repository: REPO
timeouts: { backend: 2s }
apis:
  - { provider: admin, name: J2X, version: 1.0.0, context: /j2x, auth: none, backend: [ "BACKEND/xmlback" ] }
  - { provider: admin, name: X2J, version: 1.0.0, context: /x2j, auth: none, backend: [ "BACKEND" ] }
  - { provider: admin, name: Accept, version: 1.0.0, context: /accept, auth: none, backend: [ "BACKEND" ] }
  - { provider: admin, name: Mock, version: 1.0.0, context: /mock, auth: none, backend: [ "BACKEND" ] }
`

// corpusSeqs reads API-M's common mediation policies from the shared corpus.
func corpusSeqs(t *testing.T, names ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "conformance", "synapse", "apim-customseq__"+n+".xml"))
		if err != nil {
			t.Fatalf("corpus file: %v", err)
		}
		out[n+".xml"] = string(b)
	}
	return out
}

// TestGatewayMessageTypeConversion runs the corpus's messageType policies
// unchanged, referenced from per-API sequences: a JSON request reaches the
// backend as XML and the backend's XML reaches the client as JSON, and the
// other way round; preserve/apply_accept_header answer in the type the
// client asked for; disable_chunking sends a Content-Length.
func TestGatewayMessageTypeConversion(t *testing.T) {
	backend, rec := startRecorder(t)
	seqs := corpusSeqs(t, "in-json_to_xml_in_message", "out-xml_to_json_out_message",
		"in-xml_to_json_in_message", "out-json_to_xml_out_message",
		"in-preserve_accept_header", "out-apply_accept_header", "in-disable_chunking")
	ref := func(keys ...string) string {
		var b strings.Builder
		for _, k := range keys {
			b.WriteString(`<sequence key="` + k + `"/>`)
		}
		return b.String()
	}
	seqs["j2x_in.xml"] = seqXML("admin--J2X:v1.0.0--In", ref("json_to_xml_in_message"))
	seqs["j2x_out.xml"] = seqXML("admin--J2X:v1.0.0--Out", ref("xml_to_json_out_message"))
	seqs["x2j_in.xml"] = seqXML("admin--X2J:v1.0.0--In", ref("xml_to_json_in_message"))
	seqs["x2j_out.xml"] = seqXML("admin--X2J:v1.0.0--Out", ref("json_to_xml_out_message"))
	seqs["acc_in.xml"] = seqXML("admin--Accept:v1.0.0--In", ref("preserve_accept_header", "disable_chunking"))
	seqs["acc_out.xml"] = seqXML("admin--Accept:v1.0.0--Out", ref("apply_accept_header"))
	seqs["mock_in.xml"] = seqXML("admin--Mock:v1.0.0--In", `
		<payloadFactory media-type="json"><format>{"mocked":true}</format><args/></payloadFactory>
		<property name="messageType" value="text/xml" scope="axis2"/>
		<property name="HTTP_SC_DESC" value="Mocked" scope="axis2"/>
		<respond/>`)
	f := startGateway(t, formatConfig, seqs, backend, zap.NewNop())

	cases := []struct {
		name, path, ct, body, accept string
		backendCT, backendBody       string
		clientCT, clientBody         string
	}{
		{"json_to_xml_in + xml_to_json_out", "/j2x/1.0.0/orders", "application/json", `{"order":{"id":1,"sku":["a","b"]}}`, "",
			"application/xml", `<jsonObject><order><id>1</id><sku>a</sku><sku>b</sku></order></jsonObject>`,
			"application/json", `{"order":{"id":7,"item":["a","b"]}}`},
		{"xml_to_json_in + json_to_xml_out", "/x2j/1.0.0/orders", "application/xml", `<order><id>1</id><ok>true</ok></order>`, "",
			"application/json", `{"order":{"id":1,"ok":true}}`,
			"application/xml", `<jsonObject><id>7</id><tags>a</tags><tags>b</tags></jsonObject>`},
		{"preserve_accept_header + apply_accept_header", "/accept/1.0.0/x", "application/json", `{"q":1}`, "application/xml",
			"application/json", `{"q":1}`,
			"application/xml", `<jsonObject><id>7</id><tags>a</tags><tags>b</tags></jsonObject>`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			req.SetRequestURI("http://" + f.addr + tc.path)
			req.Header.SetMethod("POST")
			req.Header.SetContentType(tc.ct)
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			req.SetBodyString(tc.body)
			if err := fasthttp.Do(req, resp); err != nil {
				t.Fatal(err)
			}
			ct, body, accept, cl := rec.got()
			if ct != tc.backendCT || body != tc.backendBody {
				t.Errorf("backend got %q %s\nwant %q %s", ct, body, tc.backendCT, tc.backendBody)
			}
			if tc.accept != "" && (accept != "" || cl != len(body)) {
				t.Errorf("backend saw Accept %q (want it removed), Content-Length %d (want %d)", accept, cl, len(body))
			}
			if resp.StatusCode() != 200 || string(resp.Header.ContentType()) != tc.clientCT || string(resp.Body()) != tc.clientBody {
				t.Errorf("client got %d %q %s\nwant 200 %q %s", resp.StatusCode(), resp.Header.ContentType(), resp.Body(), tc.clientCT, tc.clientBody)
			}
		})
	}
	t.Run("respond writes the declared type", func(t *testing.T) {
		resp := do(t, f.addr, "POST", "/mock/1.0.0/x", `{"in":1}`)
		want := `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">` +
			`<soapenv:Body><jsonObject><mocked>true</mocked></jsonObject></soapenv:Body></soapenv:Envelope>`
		if string(resp.Body()) != want || string(resp.Header.ContentType()) != "text/xml" || string(resp.Header.StatusMessage()) != "Mocked" {
			t.Errorf("got %q %q %s", resp.Header.StatusMessage(), resp.Header.ContentType(), resp.Body())
		}
	})
	t.Run("malformed request JSON is a 400", func(t *testing.T) {
		resp := do(t, f.addr, "POST", "/j2x/1.0.0/orders", `{"order":`)
		if resp.StatusCode() != 400 || !strings.Contains(string(resp.Body()), `"900400"`) {
			t.Errorf("got %d %s, want 400 with code 900400", resp.StatusCode(), resp.Body())
		}
	})
}
