package dryrun

import (
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

// BenchmarkHookBegin is what the hook adds to an untraced request: a
// user-value lookup, and with an admin token one header lookup.
func BenchmarkHookBegin(b *testing.B) {
	for _, token := range []string{"", adminToken} {
		name := "no-token"
		if token != "" {
			name = "token"
		}
		b.Run(name, func(b *testing.B) {
			h := NewHook(token, nil)
			var ctx fasthttp.RequestCtx
			ctx.Request.Header.Set("Authorization", "Bearer x")
			ctx.Request.Header.Set("Content-Type", "application/json")
			mc := &mediation.MessageContext{}
			b.ReportAllocs()
			for b.Loop() {
				h.Begin(&ctx, mc)
			}
			if mc.Trace != nil {
				b.Fatal("traced without the header")
			}
		})
	}
}
