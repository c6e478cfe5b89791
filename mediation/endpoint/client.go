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
)

// Defaults apply to every endpoint that does not say otherwise.
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
}

// FallbackTimeout is used when neither the endpoint nor Defaults set one.
const FallbackTimeout = 60 * time.Second

var defaults atomic.Pointer[Defaults]

// SetDefaults sets the process-wide defaults. Call it once at start-up,
// before endpoints are compiled (clients keep the body limit they were
// created with).
func SetDefaults(d Defaults) { defaults.Store(&d) }

func currentDefaults() Defaults {
	if d := defaults.Load(); d != nil {
		return *d
	}
	return Defaults{}
}

func defaultTimeout() time.Duration {
	if t := currentDefaults().Timeout; t > 0 {
		return t
	}
	return FallbackTimeout
}

// clients holds one fasthttp.HostClient (one connection pool) per target
// host, shared by every endpoint and every deployment that names that host:
// redeploying a sequence with an inline endpoint keeps its connections.
var clients struct {
	mu sync.Mutex
	m  map[clientKey]*fasthttp.HostClient
}

type clientKey struct {
	addr string
	tls  bool
}

// hostClient returns the shared client for addr (host:port).
func hostClient(addr, serverName string, isTLS bool) *fasthttp.HostClient {
	k := clientKey{addr, isTLS}
	clients.mu.Lock()
	defer clients.mu.Unlock()
	if c := clients.m[k]; c != nil {
		return c
	}
	c := &fasthttp.HostClient{
		Addr:                     addr,
		IsTLS:                    isTLS,
		NoDefaultUserAgentHeader: true,
		DisablePathNormalizing:   true,
		MaxConns:                 4096,
		MaxIdleConnDuration:      90 * time.Second,
		MaxResponseBodySize:      currentDefaults().MaxResponseBody,
		DialTimeout:              dialChecked, // conn.go: no reuse with unsolicited bytes pending
		RetryIfErr:               retryStale,
	}
	if isTLS {
		c.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		if base := currentDefaults().TLS; base != nil {
			c.TLSConfig = base.Clone()
		}
		c.TLSConfig.ServerName = serverName
	}
	if clients.m == nil {
		clients.m = map[clientKey]*fasthttp.HostClient{}
	}
	clients.m[k] = c
	return c
}

// target is a parsed http(s) URL with its client.
type target struct {
	url    string // as written, for errors
	client *fasthttp.HostClient
	host   string // Host header
	path   string // escaped path, without a trailing "/"
	exact  string // path as written (http uri-templates are the whole URL)
	query  string // raw query, without "?"
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
		return nil, fmt.Errorf("url %q: scheme %q is not http or https", raw, scheme)
	}
	host, pathq := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host, pathq = rest[:i], rest[i:]
	}
	if host == "" || strings.ContainsAny(host, " @") {
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
	addr := net.JoinHostPort(hostname, port)
	return &target{url: raw, client: hostClient(addr, hostname, isTLS), host: host,
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
