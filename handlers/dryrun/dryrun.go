// Package dryrun is the operator's view inside one request: the admin
// dry-run (send a request description through the live gateway, in
// memory, with a stub backend, and get the response, what the backend
// saw, and the mediation trace), and the X-Seqgate-Trace header, which
// traces a real request when it carries the admin token.
//
// The gateway knows nothing of this package: Hook implements its Debug
// interface, and Run only needs its fasthttp.RequestHandler.
package dryrun

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/mediation"
)

// MaxEcho bounds each body a dry-run result echoes (response, backend
// requests); the rest is cut and the message says so.
const MaxEcho = 64 << 10

// Request describes the request to dry-run. Path is as a client sends it
// (with the query); Tenant, when set and not the super tenant, prefixes it
// with /t/<tenant>.
type Request struct {
	Tenant  string            `json:"tenant,omitempty"`
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
	Backend Backend           `json:"backend"`
}

// Backend is how backend calls are answered: by a stub (the default, 200
// with an empty body) or, only when asked with "real", by the real backend.
type Backend struct {
	Real    bool
	Status  int               `json:"status,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
}

// UnmarshalJSON accepts "real" or a stub object {status, headers, body}.
func (b *Backend) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		if s != "real" {
			return fmt.Errorf("backend: %q: want \"real\" or an object {status, headers, body}", s)
		}
		*b = Backend{Real: true}
		return nil
	}
	type stub Backend // without this method
	var v stub
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("backend: %w", err)
	}
	*b = Backend(v)
	b.Real = false
	return nil
}

// Message is a request or response as the result shows it. Header values
// of secret-looking names are redacted, as in the trace.
type Message struct {
	Status        int               `json:"status,omitempty"`
	Method        string            `json:"method,omitempty"`
	URL           string            `json:"url,omitempty"`
	Headers       map[string]string `json:"headers"`
	Body          string            `json:"body"`
	BodyTruncated bool              `json:"body_truncated,omitempty"`
}

// Result is what a dry-run returns. BackendRequests lists every backend
// call in order (the API's backend, <call>, <send> endpoints), each as the
// backend saw it (or would have).
type Result struct {
	Response        Message          `json:"response"`
	BackendRequests []Message        `json:"backend_requests"`
	Trace           *mediation.Trace `json:"trace"`
}

var errNoPath = errors.New("path is required and must start with /")

// Run sends r through h (the gateway's handler) in memory, with the trace
// on and backend calls answered as r.Backend says. It never opens a
// connection itself; only Backend "real" lets the endpoints call out.
func Run(h fasthttp.RequestHandler, r Request) (*Result, error) {
	req, err := r.build()
	if err != nil {
		return nil, err
	}
	defer fasthttp.ReleaseRequest(req)
	rn := &run{trace: mediation.NewTrace(), backend: r.Backend}
	var ctx fasthttp.RequestCtx
	ctx.Init(req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, nil)
	ctx.SetUserValue(runKey{}, rn)
	h(&ctx)
	ctx.ResetUserValues()
	res := &Result{Response: responseMessage(&ctx.Response), BackendRequests: rn.seen, Trace: rn.trace}
	if res.BackendRequests == nil {
		res.BackendRequests = []Message{}
	}
	return res, nil
}

// build makes the fasthttp request r describes.
func (r Request) build() (*fasthttp.Request, error) {
	if !strings.HasPrefix(r.Path, "/") {
		return nil, errNoPath
	}
	path := r.Path
	if t := strings.TrimSpace(r.Tenant); t != "" && !strings.EqualFold(t, config.SuperTenantDomain) {
		path = "/t/" + t + path
	}
	req := fasthttp.AcquireRequest()
	req.Header.SetMethod(strings.ToUpper(cmp.Or(r.Method, fasthttp.MethodGet)))
	req.SetRequestURI(path)
	req.Header.SetHost("dry-run.invalid")
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	if r.Body != "" {
		req.SetBodyString(r.Body)
	}
	return req, nil
}

func responseMessage(resp *fasthttp.Response) Message {
	m := Message{Status: resp.StatusCode(), Headers: map[string]string{}}
	resp.Header.VisitAll(func(k, v []byte) { addHeader(m.Headers, string(k), string(v)) })
	m.Body, m.BodyTruncated = echo(resp.Body())
	return m
}

// addHeader redacts and joins a repeated header.
func addHeader(h map[string]string, k, v string) {
	v = mediation.Redact(k, v)
	if prev, ok := h[k]; ok {
		v = prev + ", " + v
	}
	h[k] = v
}

func echo(b []byte) (string, bool) {
	if len(b) > MaxEcho {
		return string(b[:MaxEcho]), true
	}
	return string(b), false
}
