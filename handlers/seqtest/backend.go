package seqtest

import (
	"cmp"
	"encoding/json"
	"net"
	"sync"

	"github.com/valyala/fasthttp"
)

// echoBackend is the backend every API of a test config points at: a
// real fasthttp server on 127.0.0.1 that records each request it receives
// and answers either the case's stub or, by default, a JSON description
// of the request (the Apiman policy-test model):
//
//	{"method":"GET","path":"/orders/7","query":"a=1","headers":{"Apikey":"k1"},"body":""}
type echoBackend struct {
	ln  net.Listener
	srv *fasthttp.Server

	mu   sync.Mutex
	stub *Backend
	seen []Seen
}

// Seen is one request as the backend received it.
type Seen struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   string            `json:"query"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

func startBackend() (*echoBackend, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &echoBackend{ln: ln}
	b.srv = &fasthttp.Server{Handler: b.handle, Name: "seqtest-echo", NoDefaultContentType: true}
	go func() { _ = b.srv.Serve(ln) }()
	return b, nil
}

func (b *echoBackend) addr() string { return b.ln.Addr().String() }

func (b *echoBackend) close() { _ = b.srv.Shutdown() }

// reset starts a case: its stub (nil: echo) and no requests seen.
func (b *echoBackend) reset(stub *Backend) {
	b.mu.Lock()
	b.stub, b.seen = stub, nil
	b.mu.Unlock()
}

// requests returns what the backend received during the case.
func (b *echoBackend) requests() []Seen {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Seen(nil), b.seen...)
}

func (b *echoBackend) handle(ctx *fasthttp.RequestCtx) {
	s := Seen{Method: string(ctx.Method()), Path: string(ctx.Request.URI().PathOriginal()),
		Query: string(ctx.URI().QueryString()), Headers: map[string]string{}, Body: string(ctx.PostBody())}
	for k, v := range ctx.Request.Header.All() {
		if prev, ok := s.Headers[string(k)]; ok {
			s.Headers[string(k)] = prev + ", " + string(v)
		} else {
			s.Headers[string(k)] = string(v)
		}
	}
	b.mu.Lock()
	b.seen = append(b.seen, s)
	stub := b.stub
	b.mu.Unlock()
	if stub != nil {
		ctx.SetStatusCode(cmp.Or(stub.Status, fasthttp.StatusOK))
		for k, v := range stub.Headers {
			ctx.Response.Header.Set(k, v)
		}
		ctx.SetBodyString(stub.Body)
		return
	}
	body, _ := json.Marshal(s)
	ctx.SetContentType("application/json")
	ctx.SetBody(body)
}
