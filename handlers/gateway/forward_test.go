package gateway

import (
	"net"
	"net/netip"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

// TestParseHops: digits only; anything else reads 0, a huge count stays
// past every limit without overflowing.
func TestParseHops(t *testing.T) {
	for in, want := range map[string]int{"": 0, "0": 0, "7": 7, "-3": 0, "1x": 0, " 2": 0} {
		if got := parseHops([]byte(in)); got != want {
			t.Errorf("parseHops(%q) = %d, want %d", in, got, want)
		}
	}
	if got := parseHops([]byte("99999999999999999999999999")); got <= 1<<20 {
		t.Errorf("parseHops(huge) = %d, want past 1<<20", got)
	}
}

// TestForwardingReceive: a trusted proxy's chain is appended to; anyone
// else's X-Forwarded-* are replaced.
func TestForwardingReceive(t *testing.T) {
	f := &Forwarding{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	cases := []struct {
		peer, wantFor, wantHost, wantProto string
	}{
		{"10.1.2.3", "6.6.6.6, 7.7.7.7, 10.1.2.3", "orig.example", "https"},
		{"192.0.2.9", "192.0.2.9", "client.example", "http"},
	}
	for _, tc := range cases {
		var ctx fasthttp.RequestCtx
		ctx.Init(&ctx.Request, &net.TCPAddr{IP: net.ParseIP(tc.peer), Port: 1}, nil)
		ctx.Request.Header.SetHost("client.example")
		ctx.Request.Header.Add("X-Forwarded-For", "6.6.6.6")
		ctx.Request.Header.Add("X-Forwarded-For", "7.7.7.7")
		ctx.Request.Header.Set("X-Forwarded-Host", "orig.example")
		ctx.Request.Header.Set("X-Forwarded-Proto", "https")
		ctx.Request.Header.Set(mediation.HopsHeader, "3")
		mc := &mediation.MessageContext{}
		mc.Reset(&ctx.Request, &ctx.Response)
		mc.RemoteIP = clientIP(&ctx)
		f.receive(&ctx, mc)
		if string(mc.Hop.For) != tc.wantFor || string(mc.Hop.Host) != tc.wantHost || mc.Hop.Proto != tc.wantProto || mc.Hop.Count != 3 {
			t.Errorf("peer %s: %+v (For %q Host %q), want For %q Host %q Proto %q", tc.peer, mc.Hop,
				mc.Hop.For, mc.Hop.Host, tc.wantFor, tc.wantHost, tc.wantProto)
		}
	}
}
