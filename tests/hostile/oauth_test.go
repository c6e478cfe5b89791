package hostile

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/seqgate/seqgate/handlers/authn/authntest"
)

// OAuth2 tokens under attack: an introspection stampede.

// TestIntrospectionStampede: 64 concurrent requests with one token the
// gateway has not seen make one introspection call, not 64; a refresh
// token is refused as an access token.
func TestIntrospectionStampede(t *testing.T) {
	idp := authntest.NewIntrospection(t)
	idp.SetDelay(300 * time.Millisecond)
	exp := float64(time.Now().Add(time.Hour).Unix())
	idp.Set("opaque-1", map[string]any{"active": true, "sub": "alice", "exp": exp, "token_type": "Bearer"})
	idp.Set("refresh-1", map[string]any{"active": true, "sub": "alice", "exp": exp, "token_type": "refresh_token"})
	g := startSpec(t, spec{extra: func(be string) string {
		return authAPI("Orders", "/orders", "oauth2", be) + fmt.Sprintf("security:\n  introspection: {url: %q}\n", idp.URL)
	}})
	url := "http://" + g.traffic + "/orders/v1/x"
	const n = 64
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i], _, _ = call(&http.Client{Timeout: 10 * time.Second}, url, "Authorization", "Bearer opaque-1")
		}()
	}
	close(start)
	wg.Wait()
	for i, st := range statuses {
		if st != 200 {
			t.Errorf("request %d: status %d, want 200", i, st)
		}
	}
	if c := idp.Calls.Load(); c != 1 {
		t.Errorf("%d concurrent requests with one new token made %d introspection calls, want 1", n, c)
	}
	idp.SetDelay(0)
	if st, _, err := call(&http.Client{Timeout: 10 * time.Second}, url, "Authorization", "Bearer refresh-1"); err != nil || st != 401 {
		t.Errorf("refresh token as access token: status %d (%v), want 401", st, err)
	}
}
