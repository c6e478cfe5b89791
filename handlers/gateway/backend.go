package gateway

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/mediation"
)

// Backends holds one Backend per API, built at start: a fasthttp HostClient
// (its own connection pool) per backend URL, round-robin between them.
type Backends struct {
	byAPI map[*route.API]*Backend
}

// Backend is the set of targets of one API.
type Backend struct {
	targets []*target
	next    atomic.Uint32
	timeout time.Duration
}

type target struct {
	client   *fasthttp.HostClient
	host     string // Host header
	basePath string // path of the backend URL, without trailing "/"
}

// BackendOptions tune every backend client.
type BackendOptions struct {
	Timeout         time.Duration // whole call
	MaxResponseBody int
}

// NewBackends builds the clients for every API the router knows.
func NewBackends(apis []*route.API, o BackendOptions) (*Backends, error) {
	bs := &Backends{byAPI: make(map[*route.API]*Backend, len(apis))}
	for _, api := range apis {
		b := &Backend{timeout: o.Timeout}
		for _, raw := range api.Cfg.Backend {
			t, err := newTarget(raw, o)
			if err != nil {
				return nil, fmt.Errorf("api %s: backend %q: %w", api.Name, raw, err)
			}
			b.targets = append(b.targets, t)
		}
		bs.byAPI[api] = b
	}
	return bs, nil
}

func newTarget(raw string, o BackendOptions) (*target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("scheme %q is not http or https", u.Scheme)
	}
	addr := u.Host
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		addr = net.JoinHostPort(u.Hostname(), port)
	}
	c := &fasthttp.HostClient{
		Addr:                          addr,
		IsTLS:                         u.Scheme == "https",
		NoDefaultUserAgentHeader:      true,
		DisableHeaderNamesNormalizing: false,
		DisablePathNormalizing:        true,
		MaxConns:                      4096,
		MaxIdleConnDuration:           90 * time.Second,
		ReadTimeout:                   o.Timeout,
		WriteTimeout:                  o.Timeout,
		MaxResponseBodySize:           o.MaxResponseBody,
	}
	if c.IsTLS {
		c.TLSConfig = &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	}
	return &target{client: c, host: u.Host, basePath: strings.TrimSuffix(u.EscapedPath(), "/")}, nil
}

// For returns the backend of api.
func (bs *Backends) For(api *route.API) *Backend { return bs.byAPI[api] }

// hopHeaders are connection-level headers a proxy must not forward (RFC
// 9110 §7.6.1). Connection is handled apart: fasthttp keeps it as a flag.
var hopHeaders = [...]string{"Proxy-Connection", "Keep-Alive", "Te", "Trailer", "Upgrade", "Proxy-Authorization"}

// hopIndex is the index of k in hopHeaders, or -1.
func hopIndex(k []byte) int {
	for i, hh := range hopHeaders {
		if len(k) == len(hh) && strings.EqualFold(string(k), hh) {
			return i
		}
	}
	return -1
}

// stripRequestHop and stripResponseHop remove the hop-by-hop headers in one
// scan (they are rare: a Del per name would scan every header six times).
// Two concrete functions, not one over an interface: through an interface
// the range-over-func loop escapes and allocates.
func stripRequestHop(h *fasthttp.RequestHeader) {
	var found [len(hopHeaders)]bool
	n := 0
	for k := range h.All() {
		if i := hopIndex(k); i >= 0 {
			found[i] = true
			n++
		}
	}
	h.Del("Connection")
	delFound(h.Del, n, &found)
}

func stripResponseHop(h *fasthttp.ResponseHeader) {
	var found [len(hopHeaders)]bool
	n := 0
	for k := range h.All() {
		if i := hopIndex(k); i >= 0 {
			found[i] = true
			n++
		}
	}
	h.Del("Connection")
	delFound(h.Del, n, &found)
}

func delFound(del func(string), n int, found *[len(hopHeaders)]bool) {
	if n == 0 {
		return
	}
	for i, f := range found {
		if f {
			del(hopHeaders[i])
		}
	}
}

// Do sends mc's request to the next target, to its path plus
// REST_URL_POSTFIX, and leaves the answer in mc.Resp.
func (b *Backend) Do(mc *mediation.MessageContext) error {
	if b == nil || len(b.targets) == 0 {
		return fmt.Errorf("no backend configured")
	}
	t := b.targets[int(b.next.Add(1)-1)%len(b.targets)]
	req := mc.Req
	var buf [256]byte
	uri := append(buf[:0], t.basePath...)
	postfix := mc.RESTURLPostfix()
	if len(uri) == 0 && (postfix == "" || postfix[0] != '/') {
		uri = append(uri, '/')
	}
	uri = append(uri, postfix...)
	req.SetRequestURIBytes(uri)
	req.Header.SetHost(t.host)
	stripRequestHop(&req.Header)
	err := t.client.DoTimeout(req, mc.Resp, b.timeout)
	stripResponseHop(&mc.Resp.Header)
	return err
}
