package endpoint

import (
	"strconv"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

// setForwarded writes the headers every backend request carries, from the
// hop the gateway received (mediation.Hop): X-Seqgate-Hops one more than
// received, and X-Forwarded-For/-Proto/-Host. They replace whatever the
// request has: a client (or a sequence copying the request) cannot choose
// them, and a second call in the same request does not append twice.
func setForwarded(mc *mediation.MessageContext, req *fasthttp.Request) {
	h := &req.Header
	var buf [20]byte
	h.SetBytesV(mediation.HopsHeader, strconv.AppendInt(buf[:0], int64(mc.Hop.Count)+1, 10))
	setOrDel(h, "X-Forwarded-For", mc.Hop.For)
	setOrDel(h, "X-Forwarded-Host", mc.Hop.Host)
	if mc.Hop.Proto != "" {
		h.Set("X-Forwarded-Proto", mc.Hop.Proto)
	} else {
		h.Del("X-Forwarded-Proto")
	}
}

func setOrDel(h *fasthttp.RequestHeader, k string, v []byte) {
	if len(v) > 0 {
		h.SetBytesV(k, v)
	} else {
		h.Del(k)
	}
}

// validMethod: a method is an RFC 9110 token. HTTP_METHOD set from a client
// header could otherwise put spaces into the backend's request line
// ("DELETE /admin HTTP/1.1 /x HTTP/1.1").
func validMethod(m []byte) bool {
	if len(m) == 0 {
		return false
	}
	for _, c := range m {
		if !isTchar(c) {
			return false
		}
	}
	return true
}

func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

// appendSafeURI appends s with every byte that may not appear raw in a
// request target (controls, space, DEL, non-ASCII) percent-encoded: a
// REST_URL_POSTFIX or To address taken from a client cannot split the
// request line.
func appendSafeURI(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f {
			dst = append(dst, '%', upperhex[c>>4], upperhex[c&15])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}
