package endpoint

import (
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

// Defaults apply to every endpoint that does not say otherwise. They
// belong to a config generation: each gateway.Assemble builds a Pool with
// its own, so a reload refused half-way changes nothing for the running
// one.
type Defaults struct {
	// Timeout bounds a whole call when the endpoint has no <timeout>
	// (the gateway's timeouts.backend). 0: FallbackTimeout.
	Timeout time.Duration
	// MaxResponseBody bounds a backend's answer; 0: fasthttp's default
	// (no limit).
	MaxResponseBody int
	// TLS is the base client config for https targets (trusted CAs, client
	// certificate); each host gets a clone with its ServerName. nil: the
	// system roots, no client certificate.
	TLS *tls.Config
	// MaxHosts bounds the clients (one per host:port) a pool keeps; past
	// it the least recently used idle one is evicted, its idle connections
	// closed. 0: DefaultMaxHosts.
	MaxHosts int
}

// FallbackTimeout is used when neither the endpoint nor Defaults set one.
const FallbackTimeout = 60 * time.Second

// DefaultMaxHosts is Defaults.MaxHosts' default: a uri-template or To
// address whose host comes from the request would otherwise add a client
// per distinct host, forever.
const DefaultMaxHosts = 1024

// Pool holds one fasthttp.HostClient (one connection pool) per target
// host, shared by every endpoint and every deployment that names that host
// within one config generation: redeploying a sequence with an inline
// endpoint keeps its connections. Endpoints compiled at deploy time hold
// no client: each call asks the pool of its request's generation
// (mc.Clients), so a config reload's settings apply to the calls that
// start after it while calls in flight finish on the clients they have.
type Pool struct {
	d     Defaults
	mu    sync.RWMutex
	m     map[clientKey]*pooled
	clock atomic.Int64 // logical time of the last use, for LRU eviction
}

type pooled struct {
	c    *fasthttp.HostClient
	used atomic.Int64 // Pool.clock at the last use
}

type clientKey struct {
	addr string
	tls  bool
}

// BackendPool marks Pool as a mediation.ClientPool.
func (p *Pool) BackendPool() {}

// NewPool builds a generation's pool. Clients of prev are carried over
// when the settings they were built with (response size limit, TLS) are
// unchanged, so a reload that does not touch them keeps every backend
// connection; otherwise the new generation starts with fresh clients.
// prev is not changed (a reload may still be refused): Retire it once the
// new generation serves.
func NewPool(d Defaults, prev *Pool) *Pool {
	if d.MaxHosts <= 0 {
		d.MaxHosts = DefaultMaxHosts
	}
	p := &Pool{d: d, m: map[clientKey]*pooled{}}
	if prev != nil && prev.d.MaxResponseBody == d.MaxResponseBody && prev.d.TLS == d.TLS {
		prev.mu.RLock()
		for k, e := range prev.m {
			if len(p.m) < d.MaxHosts {
				n := &pooled{c: e.c}
				n.used.Store(e.used.Load())
				p.m[k] = n
			}
		}
		p.clock.Store(prev.clock.Load())
		prev.mu.RUnlock()
	}
	return p
}

// Retire closes the idle connections of the clients next did not carry
// over; requests still running on them finish, and fasthttp closes the
// connections they give back once idle (MaxIdleConnDuration).
func (p *Pool) Retire(next *Pool) {
	if p == nil || p == next {
		return
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	for k, e := range p.m {
		if next != nil {
			next.mu.RLock()
			n := next.m[k]
			next.mu.RUnlock()
			if n != nil && n.c == e.c {
				continue
			}
		}
		e.c.CloseIdleConnections()
	}
}

// Len is the number of clients the pool holds.
func (p *Pool) Len() int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return len(p.m)
}

// timeout is the call timeout of an endpoint that sets none.
func (p *Pool) timeout() time.Duration {
	if p.d.Timeout > 0 {
		return p.d.Timeout
	}
	return FallbackTimeout
}

// fallbackPool serves calls without a generation (unit tests, tools that
// run an endpoint outside a gateway): zero Defaults.
var fallbackPool = NewPool(Defaults{}, nil)

// poolOf is the pool of mc's generation.
func poolOf(mc *mediation.MessageContext) *Pool {
	if p, ok := mc.Clients.(*Pool); ok && p != nil {
		return p
	}
	return fallbackPool
}

// client returns the pool's client for t's host:port.
func (p *Pool) client(t *target) *fasthttp.HostClient {
	k := clientKey{t.addr, t.tls}
	now := p.clock.Add(1)
	p.mu.RLock()
	e := p.m[k]
	p.mu.RUnlock()
	if e != nil {
		e.used.Store(now)
		return e.c
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if e = p.m[k]; e != nil {
		return e.c
	}
	if len(p.m) >= p.d.MaxHosts {
		p.evictLocked()
	}
	e = &pooled{c: p.newClient(t)}
	e.used.Store(now)
	p.m[k] = e
	return e.c
}

// evictLocked drops the least recently used client with no request in
// flight and closes its idle connections. When every client is busy the
// pool grows past MaxHosts for now (bounded by the requests in flight).
func (p *Pool) evictLocked() {
	var victim clientKey
	var oldest *pooled
	for k, e := range p.m {
		if e.c.PendingRequests() == 0 && (oldest == nil || e.used.Load() < oldest.used.Load()) {
			victim, oldest = k, e
		}
	}
	if oldest != nil {
		delete(p.m, victim)
		oldest.c.CloseIdleConnections()
	}
}

func (p *Pool) newClient(t *target) *fasthttp.HostClient {
	c := &fasthttp.HostClient{
		Addr:                     t.addr,
		IsTLS:                    t.tls,
		NoDefaultUserAgentHeader: true,
		DisablePathNormalizing:   true,
		MaxConns:                 4096,
		MaxIdleConnDuration:      90 * time.Second,
		MaxResponseBodySize:      p.d.MaxResponseBody,
		DialTimeout:              dialChecked, // conn.go: no reuse with unsolicited bytes pending
		RetryIfErr:               retryStale,
	}
	if t.tls {
		c.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		if base := p.d.TLS; base != nil {
			c.TLSConfig = base.Clone()
		}
		c.TLSConfig.ServerName = t.serverName
	}
	return c
}

// target is a parsed http(s) URL with its client.
type target struct {
	url        string // as written, for errors
	addr       string // host:port dialled
	serverName string // TLS server name
	tls        bool
	host       string // Host header
	path       string // escaped path, without a trailing "/"
	exact      string // path as written (http uri-templates are the whole URL)
	query      string // raw query, without "?"
}

// parseTarget splits an absolute http or https URL without allocating more
// than the target itself (it runs per request for dynamic URLs).
func parseTarget(raw string) (*target, error) {
	var isTLS bool
	rest := raw
	switch {
	case hasPrefixFold(raw, "http://"):
		rest = raw[len("http://"):]
	case hasPrefixFold(raw, "https://"):
		rest, isTLS = raw[len("https://"):], true
	default:
		scheme, _, _ := strings.Cut(raw, ":")
		if strings.EqualFold(scheme, "ws") || strings.EqualFold(scheme, "wss") {
			// API-M's dispatchSeq: the WebSocket inbound endpoint's target
			return nil, fmt.Errorf("url %q: scheme %q is not http or https (WebSocket endpoints are not supported: seqgate proxies HTTP)", raw, scheme)
		}
		return nil, fmt.Errorf("url %q: scheme %q is not http or https", raw, scheme)
	}
	host, pathq := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host, pathq = rest[:i], rest[i:]
	}
	if host == "" || strings.ContainsAny(host, " @") || hasControl(host) { // a To built from client data cannot inject headers
		return nil, fmt.Errorf("url %q: bad host", raw)
	}
	pathq, _, _ = strings.Cut(pathq, "#")
	path, query, _ := strings.Cut(pathq, "?")
	hostname, port, err := net.SplitHostPort(host)
	if err != nil { // no port
		hostname, port = strings.Trim(host, "[]"), "80"
		if isTLS {
			port = "443"
		}
	}
	if hostname == "" || port == "" {
		// "http://:8080/x", "https://:/x": what a uri-template gives when its
		// uri.var.hostname / portnum are unset (API-M's _TokenAPI_ reads
		// them from SynapsePropertiesHandler): refused here, before a DNS
		// lookup of "" ("lookup : no such host") or a dial to port ""
		// ("strconv.Atoi: parsing \"\"") that names neither cause.
		return nil, fmt.Errorf("url %q: no host name or port", raw)
	}
	addr := net.JoinHostPort(hostname, port)
	return &target{url: raw, addr: addr, serverName: hostname, tls: isTLS, host: host,
		path: strings.TrimSuffix(path, "/"), exact: path, query: query}, nil
}

func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

// requestURI builds path [+ postfix] [+ query] into buf.
func (t *target) requestURI(buf []byte, postfix string, withPostfix bool) []byte {
	// Every part is appended through appendSafeURI: a space or control
	// character (a client's REST_URL_POSTFIX, a To address) is
	// percent-encoded, never written raw into the request line.
	uri := appendSafeURI(buf[:0], t.path)
	if !withPostfix || postfix == "" {
		// With nothing to append, Synapse sends the URL as written
		// (a trailing slash is kept).
		uri, postfix = appendSafeURI(buf[:0], t.exact), ""
	}
	if len(uri) == 0 && (postfix == "" || postfix[0] != '/') {
		uri = append(uri, '/')
	}
	uri = appendSafeURI(uri, postfix)
	if t.query != "" {
		if strings.IndexByte(postfix, '?') >= 0 {
			uri = append(uri, '&')
		} else {
			uri = append(uri, '?')
		}
		uri = appendSafeURI(uri, t.query)
	}
	return uri
}

// hasControl reports a control character (CR, LF, tab, DEL...) in s.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return true
		}
	}
	return false
}
