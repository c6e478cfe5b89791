package accesslog

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentEntries: entries come from one pool and are written by one
// goroutine while many requests fill theirs; every line must be whole and
// hold its own request's fields (path and correlation id written by the
// same request), each exactly once. Run under -race.
func TestConcurrentEntries(t *testing.T) {
	const workers, per = 32, 200
	path := filepath.Join(t.TempDir(), "access.log")
	l, err := New(Options{Output: path, Buffer: workers * per})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < per; i++ {
				id := fmt.Sprintf("c%02d-r%03d", w, i)
				e := l.Begin(start, netip.MustParseAddr("127.0.0.1"), "POST", "HTTP/1.1",
					[]byte("/orders/1.0.0/"+id+strings.Repeat("x", i%50)), []byte("ua-"+id), nil, int64(i))
				e.Status, e.BytesOut = 200+i%3, int64(w)
				e.SetCorrelationID(id)
				l.End(e)
			}
		}(w)
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		var v struct {
			Path      string `json:"path"`
			UserAgent string `json:"user_agent"`
			ID        string `json:"correlation_id"`
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("line is not whole JSON: %v: %q", err, line)
		}
		id := v.ID
		if !strings.HasPrefix(v.Path, "/orders/1.0.0/"+id) || v.UserAgent != "ua-"+id {
			t.Errorf("fields of two requests mixed: %q", line)
		}
		if seen[id] {
			t.Errorf("%s written twice", id)
		}
		seen[id] = true
	}
	if len(seen) != workers*per {
		t.Errorf("%d distinct lines, want %d (none dropped: the queue holds them all)", len(seen), workers*per)
	}
}
