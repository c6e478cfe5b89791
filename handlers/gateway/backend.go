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

// hopHeaders are connection-level headers a proxy must not forward (RFC 9110 §7.6.1).
var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Te", "Trailer", "Upgrade", "Proxy-Authorization"}

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
	for _, h := range hopHeaders {
		req.Header.Del(h)
	}
	err := t.client.DoTimeout(req, mc.Resp, b.timeout)
	for _, h := range hopHeaders {
		mc.Resp.Header.Del(h)
	}
	return err
}
