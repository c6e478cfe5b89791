package dryrun

import (
	"cmp"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

// runKey is the RequestCtx user value under which Run hands its run to
// Hook.Begin; no other code can name it.
type runKey struct{}

// run is one dry-run in flight: its trace, how to answer backend calls,
// and the backend requests seen. It is the request's
// mediation.BackendTransport, so every endpoint (the API's backend,
// <call>, <send>) goes through it after building the request exactly as
// it would go on the wire.
type run struct {
	trace   *mediation.Trace
	backend Backend
	seen    []Message
}

// RoundTrip implements mediation.BackendTransport: it records req, then
// answers from the stub, or calls the real backend when asked to.
func (r *run) RoundTrip(mc *mediation.MessageContext, req *fasthttp.Request, resp *fasthttp.Response,
	client *fasthttp.HostClient, timeout time.Duration) error {
	r.seen = append(r.seen, requestMessage(req))
	if r.backend.Real {
		err := client.DoTimeout(req, resp, timeout)
		r.event(mc, "real", resp, err)
		return err
	}
	resp.Reset()
	resp.SetStatusCode(cmp.Or(r.backend.Status, fasthttp.StatusOK))
	for k, v := range r.backend.Headers {
		resp.Header.Set(k, v)
	}
	resp.SetBodyString(r.backend.Body)
	r.event(mc, "stub", resp, nil)
	return nil
}

// event puts the backend call in the trace, where it happened (inside a
// <call>, or between the request and response flows).
func (r *run) event(mc *mediation.MessageContext, kind string, resp *fasthttp.Response, err error) {
	if mc.Trace == nil {
		return
	}
	out := kind + " backend answered " + strconv.Itoa(resp.StatusCode())
	if err != nil {
		out = kind + " backend failed: " + err.Error()
	}
	mc.Trace.Event(mc, "backend", out)
}

func requestMessage(req *fasthttp.Request) Message {
	m := Message{Method: string(req.Header.Method()), URL: req.URI().String(), Headers: map[string]string{}}
	req.Header.VisitAll(func(k, v []byte) { addHeader(m.Headers, string(k), string(v)) })
	m.Body, m.BodyTruncated = echo(req.Body())
	return m
}
