package mediation_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	_, _ = w.Write(b)
	_ = w.Close()
	return out.Bytes()
}

// bodyMC is a request context whose body is b with Content-Encoding enc.
func bodyMC(b []byte, enc string, limit int, budget *mediation.Budget) *mediation.MessageContext {
	var req fasthttp.Request
	var resp fasthttp.Response
	req.Header.SetMethod("POST")
	req.Header.SetContentType("application/json")
	if enc != "" {
		req.Header.Set("Content-Encoding", enc)
	}
	req.SetBody(b)
	mc := &mediation.MessageContext{}
	mc.Reset(&req, &resp)
	mc.Limits.MaxBodyBytes = limit
	mc.Budget = budget
	return mc
}

func TestBodyGate(t *testing.T) {
	plain := []byte(`{"a":1}`)
	t.Run("gzip decoded and relabelled", func(t *testing.T) {
		mc := bodyMC(gzipped(t, plain), "gzip", 1<<20, nil)
		if got := mc.Body(); !bytes.Equal(got, plain) {
			t.Fatalf("Body() = %q, want %q", got, plain)
		}
		if v := mc.Req.Header.Peek("Content-Encoding"); v != nil {
			t.Errorf("Content-Encoding %q left on the decoded body", v)
		}
	})
	t.Run("bomb over the limit", func(t *testing.T) {
		mc := bodyMC(gzipped(t, make([]byte, 1<<20)), "gzip", 1000, nil)
		if _, err := mc.JSON(); !errors.Is(err, mediation.ErrBodyTooLarge) || !errors.Is(err, mediation.ErrBadPayload) {
			t.Fatalf("JSON() error %v, want ErrBodyTooLarge marked ErrBadPayload", err)
		}
		if b := mc.Body(); len(b) != 0 {
			t.Errorf("a refused body reads as %d bytes, want none", len(b))
		}
	})
	t.Run("unknown coding", func(t *testing.T) {
		mc := bodyMC([]byte("xx"), "br", 1<<20, nil)
		if err := mc.LoadBody(); !errors.Is(err, mediation.ErrUnsupportedEncoding) {
			t.Fatalf("LoadBody() = %v, want ErrUnsupportedEncoding", err)
		}
	})
	t.Run("SetBody drops the label", func(t *testing.T) {
		mc := bodyMC([]byte("zz"), "br", 1<<20, nil)
		mc.SetBody(plain)
		if v := mc.Req.Header.Peek("Content-Encoding"); v != nil || !bytes.Equal(mc.Body(), plain) {
			t.Errorf("after SetBody: Content-Encoding %q, body %q", v, mc.Body())
		}
	})
	t.Run("budget", func(t *testing.T) {
		budget := mediation.NewBudget(100)
		mc := bodyMC(make([]byte, 60), "", 1<<20, budget)
		if err := mc.LoadBody(); err != nil {
			t.Fatal(err)
		}
		other := bodyMC(make([]byte, 60), "", 1<<20, budget)
		if err := other.LoadBody(); !errors.Is(err, mediation.ErrBodyBudget) {
			t.Fatalf("second 60-byte body in a 100-byte budget: %v, want ErrBodyBudget", err)
		}
		mc.ReleaseBody()
		if budget.Used() != 0 {
			t.Errorf("after release: %d bytes used", budget.Used())
		}
	})
}
