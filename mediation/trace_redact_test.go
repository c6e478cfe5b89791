package mediation

import (
	"testing"

	"github.com/valyala/fasthttp"
)

func TestRedact(t *testing.T) {
	cases := []struct {
		name, prop, value, want string
	}{
		{"authorization", "Authorization", "Bearer abc", Redacted},
		{"proxy authorization", "Proxy-Authorization", "Basic eA==", Redacted},
		{"cookie", "Cookie", "sid=1", Redacted},
		{"set-cookie", "Set-Cookie", "sid=1; Path=/", Redacted},
		{"jwt assertion", "X-JWT-Assertion", "eyJ...", Redacted},
		{"apikey", "apikey", "k-1", Redacted},
		{"api-key header", "X-API-Key", "k-1", Redacted},
		{"password anywhere", "backend_Password", "p", Redacted},
		{"secret anywhere", "clientSecret", "s", Redacted},
		{"token anywhere", "api.ut.accessToken", "t", Redacted},
		{"key anywhere", "privateKey", "-----BEGIN", Redacted},
		{"websocket key", "Sec-WebSocket-Key", "dGhl", Redacted},
		{"session", "JSESSIONID", "x", Redacted},
		{"harmless key type", "api.ut.keyType", "PRODUCTION", "PRODUCTION"},
		{"harmless token type", "token_type", "Bearer", "Bearer"},
		{"plain header", "X-Trace", "t-1", "t-1"},
		{"content type", "Content-Type", "application/json", "application/json"},
		{"keep-alive is not a key", "Keep-Alive", "timeout=5", "timeout=5"},
		{"empty secret stays empty", "Authorization", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Redact(c.prop, c.value); got != c.want {
				t.Errorf("Redact(%q, %q) = %q, want %q", c.prop, c.value, got, c.want)
			}
		})
	}
}

// TestTraceBounded: a trace stops recording at MaxTraceSteps and counts
// the rest, and the mediators still all run.
func TestTraceBounded(t *testing.T) {
	n := 0
	l := make(List, MaxTraceSteps+5)
	for i := range l {
		l[i] = mediatorFunc(func(*MessageContext) (bool, error) { n++; return true, nil })
	}
	mc := &MessageContext{}
	mc.Reset(&fasthttp.Request{}, &fasthttp.Response{})
	mc.Trace = NewTrace()
	if _, err := l.Mediate(mc); err != nil {
		t.Fatal(err)
	}
	if n != len(l) || len(mc.Trace.Steps) != MaxTraceSteps || mc.Trace.Truncated != 5 {
		t.Errorf("ran %d, recorded %d, truncated %d; want %d, %d, 5", n, len(mc.Trace.Steps), mc.Trace.Truncated, len(l), MaxTraceSteps)
	}
	if got := mc.Trace.Steps[0].Mediator; got != "mediation.mediatorFunc" {
		t.Errorf("mediator without a source: %q, want its Go type", got)
	}
}

// TestTraceOffRecordsNothing: without a trace the plain loop runs.
func TestTraceOffRecordsNothing(t *testing.T) {
	mc := &MessageContext{}
	mc.Reset(&fasthttp.Request{}, &fasthttp.Response{})
	l := List{mediatorFunc(func(mc *MessageContext) (bool, error) { mc.Props.Set("a", "b"); return true, nil })}
	if _, err := l.Mediate(mc); err != nil || mc.Trace != nil {
		t.Fatalf("err %v, trace %v", err, mc.Trace)
	}
}

type mediatorFunc func(*MessageContext) (bool, error)

func (f mediatorFunc) Mediate(mc *MessageContext) (bool, error) { return f(mc) }
