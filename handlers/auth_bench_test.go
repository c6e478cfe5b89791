package handlers

import "testing"

// BenchmarkAuthMethods: the whole auth handler for a credential already
// verified once (token, basic) and for a plain key, on reused objects as
// the gateway's pool gives them.
func BenchmarkAuthMethods(b *testing.B) {
	f := newMethodsFixture(b)
	for _, bc := range []struct{ name, header, value string }{
		{"apikey", "apikey", "key-1"},
		{"oauth2-jwt-cached", "Authorization", "Bearer " + f.jwt(b)},
		{"basic-cached", "Authorization", basicAuth("ann", "pw")},
		{"signed-apikey-cached", "apikey", f.apiKey(b)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ex := f.exchange(b, "GET", "/orders/v1/x", bc.header, bc.value)
			method, uri := []byte("GET"), []byte("/orders/v1/x")
			if !f.auth.HandleRequest(ex) {
				b.Fatalf("refused: %s", ex.MC.Resp.Body())
			}
			b.ReportAllocs()
			for b.Loop() {
				f.reuse(ex, method, uri)
				ex.MC.Req.Header.Set(bc.header, bc.value)
				if !f.auth.HandleRequest(ex) {
					b.Fatal("refused")
				}
			}
		})
	}
}
