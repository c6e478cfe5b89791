package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"
)

// TestGatewayEndpoints: call, send and named endpoints through the real
// composition, with a second real backend on 127.0.0.1.
func TestGatewayEndpoints(t *testing.T) {
	backend, hits := startBackend(t, 0)
	second, secondHits := startBackend(t, 0)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := "http://" + ln.Addr().String()
	_ = ln.Close()
	f := startGateway(t, testConfig, map[string]string{
		"open_in.xml": seqXML("admin--Open:v1.0.0--In", `
			<filter source="$trp:X-Mode" regex="call"><then>
				<property name="uri.var.sym" value="IBM"/>
				<call blocking="true"><endpoint><http method="GET" uri-template="`+second+`/quote/{uri.var.sym}"/></endpoint></call>
				<property name="X-Req-Added" scope="transport" expression="json-eval($.path)"/>
			</then></filter>
			<filter source="$trp:X-Mode" regex="send-inline"><then>
				<send><endpoint><address uri="`+second+`/other"/></endpoint></send></then></filter>
			<filter source="$trp:X-Mode" regex="send-named"><then>
				<send><endpoint key="quoteEP"/></send></then></filter>
			<filter source="$trp:X-Mode" regex="error-idiom"><then>
				<payloadFactory media-type="json"><format>{"code":"900910","message":"denied"}</format><args/></payloadFactory>
				<property name="HTTP_SC" value="403" scope="axis2"/>
				<property name="RESPONSE" value="true"/>
				<header name="To" action="remove"/>
				<send/>
				<drop/></then></filter>
			<filter source="$trp:X-Mode" regex="call-down"><then>
				<call blocking="true"><endpoint><address uri="`+down+`"/></endpoint></call></then></filter>`),
		"open_out.xml": seqXML("admin--Open:v1.0.0--Out", `<header name="X-Out" scope="transport" value="ran"/>`),
		"fault.xml": seqXML("fault", `<payloadFactory media-type="json"><format>{"fault":"$1"}</format>
			<args><arg expression="$ctx:ERROR_CODE"/></args></payloadFactory><property name="RESPONSE" value="true"/><send/>`),
	}, backend, zap.NewNop())
	// a named endpoint, hot-deployed next to the sequences
	epDir := f.srv.rt.Repo().Status()[0].EndpointsDir
	if err := os.MkdirAll(epDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(epDir, "quote.xml"), []byte(`<endpoint xmlns="http://ws.apache.org/ns/synapse" name="quoteEP">
  <address uri="`+second+`/named"><timeout><duration>2000</duration></timeout></address>
</endpoint>`), 0o644); err != nil {
		t.Fatal(err)
	}
	f.srv.rt.Repo().Reload()
	if st := f.srv.rt.Repo().Status()[0].EndpointFiles; len(st) != 1 || st[0].State != "active" || st[0].Endpoints[0] != "quoteEP" {
		t.Fatalf("endpoint status %+v", st)
	}

	cases := []struct {
		mode, status          string
		body, hdr, hdrVal     string
		backendHit, secondHit bool
	}{
		{"call", "200", `"path":"/a"`, "X-Saw-Req-Added", "/quote/IBM/a", true, true}, // the request's postfix /a is appended, as API-M does
		{"send-inline", "200", `"path":"/other/a"`, "X-Out", "ran", false, true},
		{"send-named", "200", `"path":"/named/a"`, "X-Out", "ran", false, true},
		{"error-idiom", "403", `{"code":"900910","message":"denied"}`, "X-Out", "", false, false},
		{"call-down", "500", `{"fault":"101503"}`, "X-Out", "", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			before, secondBefore := hits.Load(), secondHits.Load()
			resp := do(t, f.addr, "POST", "/open/1.0.0/a", `{"in":1}`, "X-Mode", tc.mode)
			if got := resp.StatusCode(); got != atoi(tc.status) {
				t.Fatalf("status %d, want %s (body %s)", got, tc.status, resp.Body())
			}
			if !strings.Contains(string(resp.Body()), tc.body) {
				t.Errorf("body %s, want %s", resp.Body(), tc.body)
			}
			if got := string(resp.Header.Peek(tc.hdr)); got != tc.hdrVal {
				t.Errorf("%s = %q, want %q", tc.hdr, got, tc.hdrVal)
			}
			if hit := hits.Load() > before; hit != tc.backendHit {
				t.Errorf("API backend hit %v, want %v", hit, tc.backendHit)
			}
			if hit := secondHits.Load() > secondBefore; hit != tc.secondHit {
				t.Errorf("second backend hit %v, want %v", hit, tc.secondHit)
			}
		})
	}
}

// TestGatewayLoadBalancedBackends: several backend URLs are a round-robin
// loadbalance endpoint that skips a dead URL.
func TestGatewayLoadBalancedBackends(t *testing.T) {
	a, aHits := startBackend(t, 0)
	b, bHits := startBackend(t, 0)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := "http://" + ln.Addr().String()
	_ = ln.Close()
	cfg := strings.Replace(testConfig, `backend: [ "BACKEND" ] }`, `backend: [ "`+a+`", "`+down+`", "`+b+`" ] }`, 1)
	f := startGateway(t, cfg, nil, a, zap.NewNop())
	for i := 0; i < 6; i++ {
		if resp := do(t, f.addr, "GET", "/open/1.0.0/x", ""); resp.StatusCode() != 200 {
			t.Fatalf("request %d: %d %s", i, resp.StatusCode(), resp.Body())
		}
	}
	if aHits.Load() == 0 || bHits.Load() == 0 || aHits.Load()+bHits.Load() != 6 {
		t.Errorf("hits a=%d b=%d, want both used, 6 in all", aHits.Load(), bHits.Load())
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
