package endpoint

import (
	"bufio"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

// backend is a real fasthttp server on 127.0.0.1 that answers with its
// tag, the method and the request URI it saw.
type backend struct {
	url  string
	hits atomic.Int64
}

func startBackend(t testing.TB, tag string, delay time.Duration) *backend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &backend{url: "http://" + ln.Addr().String()}
	s := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		b.hits.Add(1)
		if delay > 0 {
			time.Sleep(delay)
		}
		ctx.SetContentType("text/plain")
		ctx.SetBodyString(tag + " " + string(ctx.Method()) + " " + string(ctx.RequestURI()) + " " + string(ctx.PostBody()))
	}}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Shutdown() })
	return b
}

// downURL is an address where nothing listens.
func downURL(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String()
	ln.Close()
	return u
}

func compileXML(t testing.TB, src string, opts Options) (mediation.Endpoint, []string, error) {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromString(src); err != nil {
		t.Fatal(err)
	}
	return CompileWith(doc.Root(), &mediation.Compiler{File: "t.xml"}, opts)
}

func mustCompile(t testing.TB, src string, opts Options) mediation.Endpoint {
	t.Helper()
	ep, _, err := compileXML(t, src, opts)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return ep
}

// send runs one message through ep: POST /api/1.0/x with postfix /x?y=1.
func send(t testing.TB, ep mediation.Endpoint, props map[string]string, lookup mediation.EndpointLookup) (string, error) {
	t.Helper()
	req, resp := &fasthttp.Request{}, &fasthttp.Response{}
	// parsed from the wire, as the gateway's requests are (Content-Length set)
	raw := "POST /api/1.0/x?y=1 HTTP/1.1\r\nHost: gw\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
	if err := req.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		t.Fatal(err)
	}
	mc := &mediation.MessageContext{}
	mc.Reset(req, resp)
	mc.SetRESTURLPostfix("/x?y=1")
	mc.Endpoints = lookup
	for k, v := range props {
		mc.Props.Set(k, v)
	}
	err := ep.Send(mc, req, resp)
	return string(resp.Body()), err
}

func TestSendKinds(t *testing.T) {
	a := startBackend(t, "A", 0)
	cases := []struct {
		name, xml string
		props     map[string]string
		want      string
	}{
		{"address appends REST_URL_POSTFIX", `<endpoint><address uri="` + a.url + `/svc/"/></endpoint>`, nil, "A POST /svc/x?y=1 hello"},
		{"address keeps its own query", `<endpoint><address uri="` + a.url + `/svc?k=v"/></endpoint>`, nil, "A POST /svc/x?y=1&k=v hello"},
		{"format get drops the body", `<endpoint><address uri="` + a.url + `/g" format="get"/></endpoint>`, nil, "A GET /g/x?y=1 "},
		{"http uri-template and method", `<endpoint><http method="put" uri-template="` + a.url + `/items/{uri.var.id}"/></endpoint>`,
			map[string]string{"uri.var.id": "7 8"}, "A PUT /items/7%208/x?y=1 hello"},
		{"http static template, GET", `<endpoint><http method="GET" uri-template="` + a.url + `/stock/IBM"/></endpoint>`, nil, "A GET /stock/IBM/x?y=1 "},
		{"default sends to To", `<endpoint><default/></endpoint>`, map[string]string{"To": a.url + "/to"}, "A POST /to/x?y=1 hello"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := send(t, mustCompile(t, tc.xml, Options{}), tc.props, nil)
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestSendErrors(t *testing.T) {
	slow := startBackend(t, "S", 500*time.Millisecond)
	cases := []struct {
		name, xml string
		code      int
	}{
		{"connection refused", `<endpoint><address uri="` + downURL(t) + `"/></endpoint>`, CodeConnectFailed},
		{"endpoint timeout", `<endpoint><address uri="` + slow.url + `"><timeout><duration>50</duration><responseAction>fault</responseAction></timeout></address></endpoint>`, CodeTimeout},
		{"missing key", `<endpoint key="nope"/>`, CodeKeyNotFound},
		{"default without To", `<endpoint><default/></endpoint>`, CodeSendFailed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := send(t, mustCompile(t, tc.xml, Options{}), nil, nil)
			if Code(err) != tc.code {
				t.Fatalf("error %v (code %d), want code %d", err, Code(err), tc.code)
			}
			var coder interface{ ErrorCode() string }
			if e, ok := err.(interface{ ErrorCode() string }); ok {
				coder = e
			}
			if coder == nil || coder.ErrorCode() == "" {
				t.Errorf("error %T has no ErrorCode", err)
			}
		})
	}
}

// TestSuspendedEndpoint: after a failure a leaf refuses with 303001 until
// its suspension ends, without calling the backend.
func TestSuspendedEndpoint(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	down := downURL(t)
	ep := mustCompile(t, `<endpoint name="e"><address uri="`+down+`"><suspendOnFailure><initialDuration>1000</initialDuration></suspendOnFailure></address></endpoint>`, Options{Now: clk.now})
	if _, err := send(t, ep, nil, nil); Code(err) != CodeConnectFailed {
		t.Fatalf("first call: %v", err)
	}
	if _, err := send(t, ep, nil, nil); Code(err) != CodeAddressNoneReady {
		t.Fatalf("while suspended: %v, want 303001", err)
	}
	clk.advance(time.Second)
	if _, err := send(t, ep, nil, nil); Code(err) != CodeConnectFailed {
		t.Fatalf("after the suspension: %v, want a real try (101503)", err)
	}
	if st := ep.(*Leaf).State(); st != StateSuspended {
		t.Errorf("state %s", st)
	}
}

func TestGroups(t *testing.T) {
	a, b := startBackend(t, "A", 0), startBackend(t, "B", 0)
	down := downURL(t)
	addr := func(u string) string { return `<endpoint><address uri="` + u + `"/></endpoint>` }
	cases := []struct {
		name, xml string
		want      []string // first word of each answer; "303000" for a group failure
	}{
		{"loadbalance is round-robin", `<endpoint><loadbalance algorithm="org.apache.synapse.endpoints.algorithms.RoundRobin">` + addr(a.url) + addr(b.url) + `</loadbalance></endpoint>`,
			[]string{"A", "B", "A", "B"}},
		{"failover takes the first healthy in order", `<endpoint><failover>` + addr(down) + addr(b.url) + addr(a.url) + `</failover></endpoint>`,
			[]string{"B", "B", "B"}},
		{"loadbalance fails over a dead child", `<endpoint><loadbalance>` + addr(down) + addr(a.url) + `</loadbalance></endpoint>`,
			[]string{"A", "A", "A"}},
		{"loadbalance failover=false reports the child's error", `<endpoint><loadbalance failover="false">` + addr(a.url) + addr(down) + `</loadbalance></endpoint>`,
			[]string{"A", "101503", "A", "A"}}, // then the dead child is suspended and skipped
		{"every child down", `<endpoint><failover>` + addr(down) + addr(down) + `</failover></endpoint>`,
			[]string{"303000", "303000"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ep := mustCompile(t, tc.xml, Options{})
			var got []string
			for range tc.want {
				body, err := send(t, ep, nil, nil)
				if err != nil {
					got = append(got, codeString(Code(err)).String())
					continue
				}
				got = append(got, strings.Fields(body)[0])
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// lookup is a map EndpointLookup.
type lookup map[string]mediation.Endpoint

func (l lookup) Endpoint(n string) mediation.Endpoint { return l[n] }

func TestKeyReference(t *testing.T) {
	a := startBackend(t, "A", 0)
	ep, refs, err := compileXML(t, `<endpoint><failover><endpoint key="primary"/></failover></endpoint>`, Options{})
	if err != nil || len(refs) != 1 || refs[0] != "primary" {
		t.Fatalf("compile: %v %v", refs, err)
	}
	named := mustCompile(t, `<endpoint name="primary"><address uri="`+a.url+`/p"/></endpoint>`, Options{})
	if body, err := send(t, ep, nil, lookup{"primary": named}); err != nil || body != "A POST /p/x?y=1 hello" {
		t.Errorf("got %q %v", body, err)
	}
}

func TestCompileErrors(t *testing.T) {
	cases := []struct{ name, xml, want string }{
		{"empty", `<endpoint/>`, "empty endpoint"},
		{"two kinds", `<endpoint><address uri="http://h"/><default/></endpoint>`, "found a second one"},
		{"bad scheme", `<endpoint><address uri="jms:/q"/></endpoint>`, `scheme "jms" is not http or https`},
		{"websocket scheme", `<endpoint><http method="GET" uri-template="ws://localhost:9763/chat"/></endpoint>`, `WebSocket endpoints are not supported`},
		{"websocket template", `<endpoint><http method="GET" uri-template="ws://localhost:9763/chat"/></endpoint>`, `scheme "ws"`},
		{"bad format", `<endpoint><address uri="http://h" format="json"/></endpoint>`, "format="},
		{"bad method", `<endpoint><http method="FETCH" uri-template="http://h"/></endpoint>`, "method="},
		{"bad duration", `<endpoint><address uri="http://h"><timeout><duration>soon</duration></timeout></address></endpoint>`, "milliseconds"},
		{"bad codes", `<endpoint><address uri="http://h"><suspendOnFailure><errorCodes>x</errorCodes></suspendOnFailure></address></endpoint>`, "error code"},
		{"wsdl", `<endpoint><wsdl uri="http://h?wsdl"/></endpoint>`, "unsupported endpoint type"},
		{"ws-security", `<endpoint><address uri="http://h"><enableSec/></address></endpoint>`, "not supported"},
		{"empty group", `<endpoint><loadbalance/></endpoint>`, "no child"},
		{"dynamic key", `<endpoint key="{$ctx:ep}"/>`, "dynamic keys"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := compileXML(t, tc.xml, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "t.xml") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	// API-M's generated endpoints: -1 everywhere is accepted.
	_, _, err := compileXML(t, `<endpoint name="apim"><http uri-template="http://h/x" method="post"><timeout><duration>30000</duration><responseAction>fault</responseAction></timeout>
		<suspendOnFailure><errorCodes>-1</errorCodes><initialDuration>0</initialDuration><progressionFactor>1.0</progressionFactor><maximumDuration>0</maximumDuration></suspendOnFailure>
		<markForSuspension><errorCodes>-1</errorCodes><retriesBeforeSuspension>0</retriesBeforeSuspension><retryDelay>0</retryDelay></markForSuspension></http>
		<property name="uri.var.x" value="1"/></endpoint>`, Options{})
	if err != nil {
		t.Errorf("API-M endpoint: %v", err)
	}
}

// codeString is a code in its decimal form.
type codeString int

func (c codeString) String() string { return strconv.Itoa(int(c)) }

// dryTransport is an admin dry-run's backend: it answers "DRY", or fails.
type dryTransport struct{ fail bool }

func (d dryTransport) RoundTrip(_ *mediation.MessageContext, _ *fasthttp.Request, resp *fasthttp.Response,
	_ *fasthttp.HostClient, _ time.Duration) error {
	if d.fail {
		return errors.New("dial tcp: connection refused")
	}
	resp.SetBodyString("DRY answer")
	return nil
}

// dryRun is send for a dry-run (mc.Backend set).
func dryRun(t testing.TB, ep mediation.Endpoint, fail bool) error {
	t.Helper()
	req, resp := &fasthttp.Request{}, &fasthttp.Response{}
	req.SetRequestURI("/api/1.0/x")
	mc := &mediation.MessageContext{}
	mc.Reset(req, resp)
	mc.Backend = dryTransport{fail: fail}
	return ep.Send(mc, req, resp)
}

// TestDryRunLeavesEndpointState: dry-runs neither move a loadbalance
// group's turn nor suspend a failing endpoint.
func TestDryRunLeavesEndpointState(t *testing.T) {
	a, b := startBackend(t, "A", 0), startBackend(t, "B", 0)
	lb := mustCompile(t, `<endpoint><loadbalance><endpoint><address uri="`+a.url+`"/></endpoint><endpoint><address uri="`+b.url+`"/></endpoint></loadbalance></endpoint>`, Options{})
	var got []string
	for i := range 4 {
		body, err := send(t, lb, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Fields(body)[0])
		if i%2 == 0 {
			for range 3 {
				if err := dryRun(t, lb, false); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if strings.Join(got, ",") != "A,B,A,B" {
		t.Errorf("real turns with dry-runs in between: %v, want A,B,A,B", got)
	}
	ep := mustCompile(t, `<endpoint name="e"><address uri="`+a.url+`"><suspendOnFailure><initialDuration>60000</initialDuration></suspendOnFailure></address></endpoint>`, Options{})
	if err := dryRun(t, ep, true); err == nil {
		t.Fatal("the failing dry-run transport did not fail")
	}
	if st := ep.(*Leaf).State(); st != StateActive {
		t.Errorf("after a failed dry-run: %s, want %s", st, StateActive)
	}
	if body, err := send(t, ep, nil, nil); err != nil || !strings.HasPrefix(body, "A") {
		t.Errorf("real call after a failed dry-run: %q %v", body, err)
	}
}
