package main

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// startBackend serves compare.sh's 75-byte JSON answer on addr, in this
// process: the figures read are the gateway's own CPU time, so the
// backend's work does not count against it.
func startBackend(addr string) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("backend: %w", err)
	}
	body := []byte(`{"status":"ok","service":"bench-backend","items":[1,2,3],"message":"hello"}`)
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("application/json")
		ctx.SetBody(body)
	}}
	go func() { _ = srv.Serve(ln) }()
	return func() { _ = srv.Shutdown() }, nil
}

// client sends the measured request: GET path with the tenant's API key.
type client struct {
	hc   *fasthttp.HostClient
	path string
	key  string
}

func newClient(addr, path, key string, conns int) *client {
	return &client{
		hc:   &fasthttp.HostClient{Addr: addr, MaxConns: conns, ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second},
		path: path, key: key,
	}
}

// do sends one request and returns the status and the X-Gen header.
func (c *client) do(req *fasthttp.Request, resp *fasthttp.Response) (int, string, error) {
	req.SetRequestURI("http://" + c.hc.Addr + c.path)
	req.Header.Set("apikey", c.key)
	if err := c.hc.Do(req, resp); err != nil {
		return 0, "", err
	}
	return resp.StatusCode(), string(resp.Header.Peek(genHeader)), nil
}

// once sends one request with fresh buffers.
func (c *client) once() (int, string, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	return c.do(req, resp)
}

// loadResult is one closed-loop run.
type loadResult struct {
	n, errors int
	elapsed   time.Duration
}

// run sends n requests over conns connections (one goroutine per
// connection, closed loop) and counts the failures and non-200 answers.
func (c *client) run(n, conns int) loadResult {
	var next, errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			for next.Add(1) <= int64(n) {
				if code, _, err := c.do(req, resp); err != nil || code != fasthttp.StatusOK {
					errs.Add(1)
				}
				req.Reset()
				resp.Reset()
			}
		}()
	}
	wg.Wait()
	return loadResult{n: n, errors: int(errs.Load()), elapsed: time.Since(start)}
}
