package admin

import (
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// Guard refuses what a web page in the operator's browser could make the
// browser send to the admin listener, before the token check and the mux:
//
//   - Without a token (the listener is then on loopback), only loopback Host
//     names are answered (127.0.0.1, any 127/8 or ::1 address, localhost,
//     any port: a port-forward changes it), on every route but /healthz and
//     /readyz: a DNS-rebinding page reaches 127.0.0.1 under its own name, so
//     its Host is that name. With a token the listener may sit behind any
//     name, and the token, which a page cannot attach cross-site, guards it.
//   - A request that is not GET, HEAD or OPTIONS is refused (403) when the
//     browser says it comes from another site (Sec-Fetch-Site cross-site or
//     same-site: another port of localhost is same-site) or from another
//     origin (Origin other than the request's own host, or a loopback origin
//     on its port; "null" included).
//   - Such a request is refused (415) with a Content-Type a page can send
//     cross-site without a CORS preflight: text/plain,
//     application/x-www-form-urlencoded, multipart/form-data. No admin route
//     takes one (sequences are XML, dry-runs JSON, bundles a raw zip). A
//     request without a Content-Type passes: browsers add Origin to every
//     cross-origin request that is not GET or HEAD, and a form always sends
//     one of the three types.
//
// Answers are JSON errors, like every other admin error.
func Guard(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		probe := r.URL.Path == "/healthz" || r.URL.Path == "/readyz"
		if token == "" && !probe && !loopbackHost(r.Host) {
			writeError(w, http.StatusForbidden, fmt.Sprintf("Host %q refused: without listen.admin_token the admin API answers only loopback names (127.0.0.1, [::1], localhost)", r.Host))
			return
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if msg := crossSite(r); msg != "" {
			writeError(w, http.StatusForbidden, msg)
			return
		}
		if msg := simpleContentType(r.Header.Get("Content-Type")); msg != "" {
			writeError(w, http.StatusUnsupportedMediaType, msg)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// crossSite says why r comes from another site or origin, or "".
func crossSite(r *http.Request) string {
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
	default:
		return fmt.Sprintf("cross-site request refused (Sec-Fetch-Site: %s): the admin API takes no request from a web page of another origin", site)
	}
	origin := r.Header.Get("Origin")
	if origin == "" || sameOrigin(origin, r.Host) {
		return ""
	}
	return fmt.Sprintf("cross-origin request refused (Origin: %s): the admin API takes no request from a web page of another origin", origin)
}

// sameOrigin reports whether origin (scheme://host[:port]) is the admin
// listener as the request reached it: the same host and port as Host, or
// a loopback name on Host's port when Host is loopback too.
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
		return false
	}
	if strings.EqualFold(u.Host, host) {
		return true
	}
	return loopbackHost(u.Host) && loopbackHost(host) && portOf(u.Host, u.Scheme) == portOf(host, "http")
}

// portOf is hostport's port, or the scheme's default port.
func portOf(hostport, scheme string) string {
	if _, port, err := net.SplitHostPort(hostport); err == nil && port != "" {
		return port
	}
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// loopbackHost reports whether a Host value (name or address, optional
// port) names this machine's loopback interface whatever DNS says:
// localhost (browsers resolve it themselves), 127.0.0.0/8 or ::1.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, port, err := net.SplitHostPort(hostport); err == nil {
		for _, c := range port {
			if c < '0' || c > '9' {
				return false
			}
		}
		host = h
	} else {
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Zone() == "" && ip.Unmap().IsLoopback()
}

// simpleContentType says why a Content-Type is refused on a mutating
// request, or "" when it is acceptable.
func simpleContentType(ct string) string {
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Sprintf("Content-Type %q: %v", ct, err)
	}
	switch mt {
	case "text/plain", "application/x-www-form-urlencoded", "multipart/form-data":
		return fmt.Sprintf("Content-Type %s refused: a web page can send it cross-site; send application/json (dry-run), application/xml (sequences) or application/zip (bundles) (curl -d and --data-binary send application/x-www-form-urlencoded unless told: add -H 'Content-Type: ...')", mt)
	}
	return ""
}
