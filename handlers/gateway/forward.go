package gateway

import (
	"bytes"
	"net/netip"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/mediation"
)

// Forwarding is how the gateway reads the client's hop: the loop limit and
// the proxies whose X-Forwarded-* headers it believes.
type Forwarding struct {
	// MaxHops: a request whose X-Seqgate-Hops is past it gets 508 (a
	// sequence calling the gateway itself). 0: DefaultMaxHops.
	MaxHops int
	// Trusted are the peers (load balancers, other proxies) whose
	// X-Forwarded-For chain is kept and appended to, and whose
	// X-Forwarded-Proto/-Host are passed on. From any other peer those
	// headers are replaced: a client cannot choose the address a backend
	// sees.
	Trusted []netip.Prefix
}

// DefaultMaxHops is limits.max_hops' default.
const DefaultMaxHops = 10

var (
	hdrXFF        = []byte("X-Forwarded-For")
	hdrXFProto    = []byte("X-Forwarded-Proto")
	hdrXFHost     = []byte("X-Forwarded-Host")
	protoHTTPS    = []byte("https")
	protoHTTP     = []byte("http")
	forwardedList = []byte(", ")
)

// receive fills mc.Hop from the request as the client (or a trusted proxy)
// sent it, before any handler or sequence touches the headers.
func (f *Forwarding) receive(ctx *fasthttp.RequestCtx, mc *mediation.MessageContext) {
	h := &ctx.Request.Header
	mc.Hop.Count = parseHops(h.Peek(mediation.HopsHeader))
	mc.Hop.Proto = "http"
	if ctx.IsTLS() {
		mc.Hop.Proto = "https"
	}
	fwd, host := mc.Hop.For[:0], mc.Hop.Host[:0]
	if f.trusts(mc.RemoteIP) {
		for k, v := range h.All() {
			switch {
			case bytes.EqualFold(k, hdrXFF) && len(bytes.TrimSpace(v)) > 0:
				fwd = append(append(fwd, bytes.TrimSpace(v)...), forwardedList...)
			case bytes.EqualFold(k, hdrXFProto) && bytes.EqualFold(v, protoHTTPS):
				mc.Hop.Proto = "https"
			case bytes.EqualFold(k, hdrXFProto) && bytes.EqualFold(v, protoHTTP):
				mc.Hop.Proto = "http"
			case bytes.EqualFold(k, hdrXFHost) && len(host) == 0:
				host = append(host, v...)
			}
		}
	}
	if mc.RemoteIP.IsValid() {
		fwd = mc.RemoteIP.AppendTo(fwd)
	} else {
		fwd = bytes.TrimSuffix(fwd, forwardedList)
	}
	if len(host) == 0 {
		host = append(host, h.Host()...)
	}
	mc.Hop.For, mc.Hop.Host = fwd, host
}

func (f *Forwarding) trusts(ip netip.Addr) bool {
	for _, p := range f.Trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func (f *Forwarding) maxHops() int {
	if f.MaxHops > 0 {
		return f.MaxHops
	}
	return DefaultMaxHops
}

// parseHops reads a hop count; anything but digits counts as 0 (a client
// can only make its own request fail by lying upwards, and lying
// downwards does not stop the gateway counting its own hops).
func parseHops(v []byte) int {
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0
		}
		if n = n*10 + int(c-'0'); n > 1<<20 {
			return n
		}
	}
	return n
}

// loopError answers a request that went round the gateway too often.
func loopError(mc *mediation.MessageContext, maxHops int) {
	handlers.WriteError(mc, fasthttp.StatusLoopDetected, "508", "Loop detected",
		"the request passed through the gateway more than limits.max_hops ("+itoa(maxHops)+") times")
	mc.Resp.SetConnectionClose()
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		if n /= 10; n == 0 {
			return string(b[i:])
		}
	}
}
