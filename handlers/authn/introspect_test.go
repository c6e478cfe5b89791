package authn

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// introspectionServer answers RFC 7662 requests from a table of tokens,
// checks the client credentials, and counts calls per token.
type introspectionServer struct {
	*httptest.Server
	calls  map[string]*atomic.Int64
	broken atomic.Bool
}

func newIntrospectionServer(t testing.TB, answers map[string]map[string]any) *introspectionServer {
	t.Helper()
	s := &introspectionServer{calls: map[string]*atomic.Int64{}}
	for tok := range answers {
		s.calls[tok] = &atomic.Int64{}
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if r.Method != http.MethodPost || !ok || id != "gw" || secret != "s3cret" {
			http.Error(w, "unauthorized client", http.StatusUnauthorized)
			return
		}
		tok := r.PostFormValue("token")
		if c := s.calls[tok]; c != nil {
			c.Add(1)
		}
		if s.broken.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		a, ok := answers[tok]
		if !ok {
			a = map[string]any{"active": false}
		}
		_ = json.NewEncoder(w).Encode(a)
	}))
	t.Cleanup(s.Close)
	return s
}

// TestIntrospection: active tokens are cached (positive), inactive ones
// too (negative), a cached active token is not served past its exp, and an
// endpoint failure is not cached.
func TestIntrospection(t *testing.T) {
	now := time.Now()
	srv := newIntrospectionServer(t, map[string]map[string]any{
		"good":     {"active": true, "sub": "carol", "client_id": "ck-9", "scope": "read", "exp": now.Add(time.Hour).Unix()},
		"short":    {"active": true, "sub": "dan", "exp": now.Add(2 * time.Second).Unix()},
		"inactive": {"active": false},
		"lapsed":   {"active": true, "exp": now.Add(-time.Second).Unix()},
		"flaky":    {"active": true, "sub": "erin"},
	})
	cfg := parseConfig(t, fmt.Sprintf("  introspection: {url: %q, client_id: gw, client_secret: s3cret, cache_ttl: 60s, negative_cache_ttl: 10s}\n", srv.URL))
	in := NewRegistry(nil).Introspector(cfg.Security.Introspection, "s3cret")
	clock := now
	in.now = func() time.Time { return clock }
	ask := func(tok string) (*Identity, error) { return in.Introspect([]byte(tok)) }

	id, err := ask("good")
	if err != nil || id.User != "carol" || id.ConsumerKey != "ck-9" || id.ScopeList != "read" {
		t.Fatalf("good: %+v %v", id, err)
	}
	for range 3 {
		_, _ = ask("good")
		if _, err := ask("inactive"); !errors.Is(err, ErrInvalid) {
			t.Fatalf("inactive: %v", err)
		}
		if _, err := ask("lapsed"); !errors.Is(err, ErrInvalid) {
			t.Fatalf("active but past exp: %v", err)
		}
	}
	want := map[string]int64{"good": 1, "inactive": 1, "lapsed": 1}
	for tok, n := range want {
		if got := srv.calls[tok].Load(); got != n {
			t.Errorf("%s: %d calls, want %d (cached)", tok, got, n)
		}
	}
	clock = now.Add(11 * time.Second) // negative entries expire, positive ones not yet
	_, _ = ask("inactive")
	_, _ = ask("good")
	if srv.calls["inactive"].Load() != 2 || srv.calls["good"].Load() != 1 {
		t.Errorf("after negative_cache_ttl: inactive %d, good %d calls", srv.calls["inactive"].Load(), srv.calls["good"].Load())
	}
	clock = now
	if _, err := ask("short"); err != nil {
		t.Fatal(err)
	}
	clock = now.Add(3 * time.Second) // past exp, well within cache_ttl
	if _, err := ask("short"); !errors.Is(err, ErrInvalid) || srv.calls["short"].Load() != 2 {
		t.Errorf("past exp: err %v after %d calls; want asked again and refused", err, srv.calls["short"].Load())
	}
	srv.broken.Store(true)
	for range 2 {
		if _, err := ask("flaky"); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("endpoint down: %v", err)
		}
	}
	srv.broken.Store(false)
	if _, err := ask("flaky"); err != nil || srv.calls["flaky"].Load() != 3 {
		t.Errorf("failures were cached: err %v, %d calls", err, srv.calls["flaky"].Load())
	}
}

// TestIntrospectionBadClient: the endpoint refusing the gateway's client
// credentials is an outage, not a verdict on the token.
func TestIntrospectionBadClient(t *testing.T) {
	srv := newIntrospectionServer(t, nil)
	cfg := parseConfig(t, fmt.Sprintf("  introspection: {url: %q, client_id: gw, client_secret: wrong}\n", srv.URL))
	in := NewRegistry(nil).Introspector(cfg.Security.Introspection, "wrong")
	if _, err := in.Introspect([]byte("x")); !errors.Is(err, ErrUnavailable) {
		t.Errorf("err = %v, want unavailable", err)
	}
}

// TestIntrospectionRefusals: a refresh token is not an access token; with
// an audience configured, aud must name it; with every call slot taken a
// new token is ErrBusy without a call; concurrent requests with one new
// token share one call.
func TestIntrospectionRefusals(t *testing.T) {
	exp := time.Now().Add(time.Hour).Unix()
	srv := newIntrospectionServer(t, map[string]map[string]any{
		"refresh":  {"active": true, "token_type": "refresh_token", "exp": exp},
		"aud-ok":   {"active": true, "aud": []any{"other", "gateway"}, "exp": exp},
		"aud-str":  {"active": true, "aud": "gateway", "exp": exp},
		"aud-bad":  {"active": true, "aud": "other", "exp": exp},
		"no-aud":   {"active": true, "exp": exp},
		"shared":   {"active": true, "aud": "gateway", "exp": exp},
		"new-busy": {"active": true, "aud": "gateway", "exp": exp},
	})
	cfg := parseConfig(t, fmt.Sprintf("  introspection: {url: %q, client_id: gw, client_secret: s3cret, audience: gateway, max_concurrent: 2}\n", srv.URL))
	in := NewRegistry(nil).Introspector(cfg.Security.Introspection, "s3cret")
	for tok, ok := range map[string]bool{"refresh": false, "aud-ok": true, "aud-str": true, "aud-bad": false, "no-aud": false} {
		_, err := in.Introspect([]byte(tok))
		if ok && err != nil || !ok && !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ok=%v", tok, err, ok)
		}
	}
	for range cap(in.sem) {
		in.sem <- struct{}{}
	}
	if _, err := in.Introspect([]byte("new-busy")); !errors.Is(err, ErrBusy) || srv.calls["new-busy"].Load() != 0 {
		t.Errorf("every call slot taken: %v after %d calls, want busy without a call", err, srv.calls["new-busy"].Load())
	}
	if _, err := in.Introspect([]byte("aud-ok")); err != nil {
		t.Errorf("cached token with every call slot taken: %v", err)
	}
	for range cap(in.sem) {
		<-in.sem
	}
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := in.Introspect([]byte("shared")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := srv.calls["shared"].Load(); n != 1 {
		t.Errorf("32 concurrent requests with one token: %d calls, want 1", n)
	}
}
