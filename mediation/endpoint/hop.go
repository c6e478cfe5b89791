package endpoint

import (
	"bytes"
	"strings"

	"github.com/valyala/fasthttp"
)

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

// StripRequestHop and StripResponseHop remove the hop-by-hop headers in one
// scan (they are rare: a Del per name would scan every header six times).
// Two concrete functions, not one over an interface: through an interface
// the range-over-func loop escapes and allocates.
func StripRequestHop(h *fasthttp.RequestHeader) {
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

// StripResponseHop is StripRequestHop for a response. It also sets the
// protocol to HTTP/1.1: the backend's version is about the backend's
// connection, and an "HTTP/1.0" status line passed on would make
// keep-alive clients close their connection after every answer.
func StripResponseHop(h *fasthttp.ResponseHeader) {
	if !bytes.Equal(h.Protocol(), http11) {
		h.SetProtocol(http11)
	}
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

var http11 = []byte("HTTP/1.1")
