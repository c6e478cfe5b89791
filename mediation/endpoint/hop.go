package endpoint

import (
	"bytes"
	"strings"

	"github.com/valyala/fasthttp"
)

// hopHeaders are connection-level headers a proxy must not forward (RFC
// 9110 §7.6.1), plus the proxy credentials and challenges, which are for
// the hop that asks (§11.7). Connection is handled apart: fasthttp keeps
// "close" as a flag, and the headers it names are removed too. (The cache
// mediator's unhashedHeaders answer another question: what a cached
// response leaves out.)
var hopHeaders = [...]string{"Proxy-Connection", "Keep-Alive", "Te", "Trailer", "Upgrade",
	"Proxy-Authorization", "Proxy-Authenticate"}

// hdrConnection is compared while scanning; the headers a Connection
// header names are deleted after the scan, never these: the framing and
// the target are the gateway's own.
var hdrConnection = []byte("Connection")

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
// Two concrete loops over one hopScan, not one function over an interface:
// through an interface the range-over-func loop escapes and allocates.
func StripRequestHop(h *fasthttp.RequestHeader) {
	var s hopScan
	for k, v := range h.All() {
		s.see(k, v)
	}
	s.strip(h.Del)
}

// StripResponseHop is StripRequestHop for a response. It also sets the
// protocol to HTTP/1.1: the backend's version is about the backend's
// connection, and an "HTTP/1.0" status line passed on would make
// keep-alive clients close their connection after every answer. And it
// drops the backend's reason phrase: the status may still change (a
// gateway error, HTTP_SC), and "502 OK" would be the result; the client
// gets the standard phrase of whatever status it is sent, as from Go's
// net/http reverse proxy.
func StripResponseHop(h *fasthttp.ResponseHeader) {
	if !bytes.Equal(h.Protocol(), http11) {
		h.SetProtocol(http11)
	}
	if len(h.StatusMessage()) > 0 {
		h.SetStatusMessage(nil)
	}
	var s hopScan
	for k, v := range h.All() {
		s.see(k, v)
	}
	s.strip(h.Del)
}

// hopScan notes, header by header, the hop-by-hop headers present and the
// names Connection headers list; strip then deletes them all.
type hopScan struct {
	found [len(hopHeaders)]bool
	n     int
	named []string // tokens of Connection headers; rare
}

func (s *hopScan) see(k, v []byte) {
	if i := hopIndex(k); i >= 0 {
		s.found[i] = true
		s.n++
	} else if bytes.EqualFold(k, hdrConnection) {
		s.named = connectionTokens(s.named, v)
	}
}

func (s *hopScan) strip(del func(string)) {
	del("Connection")
	if s.n > 0 {
		for i, f := range s.found {
			if f {
				del(hopHeaders[i])
			}
		}
	}
	for _, k := range s.named {
		del(k)
	}
}

// connectionTokens appends the header names a Connection value lists
// (RFC 9110 §7.6.1), but not the ones the gateway owns (Host and framing).
func connectionTokens(dst []string, v []byte) []string {
	for tok := range bytes.SplitSeq(v, []byte(",")) {
		tok = bytes.TrimSpace(tok)
		switch {
		case len(tok) == 0, bytes.EqualFold(tok, []byte("close")), bytes.EqualFold(tok, []byte("keep-alive")),
			bytes.EqualFold(tok, []byte("host")), bytes.EqualFold(tok, []byte("content-length")),
			bytes.EqualFold(tok, []byte("transfer-encoding")):
			continue
		}
		dst = append(dst, string(tok))
	}
	return dst
}

var http11 = []byte("HTTP/1.1")
