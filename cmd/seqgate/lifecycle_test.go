package main

import (
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const lifecycleConfig = `
listen: { http: "127.0.0.1:0", admin: "127.0.0.1:0" }
repository: REPO
lifecycle: { drain_delay: 300ms, grace_period: 5s }
apis:
  - { provider: admin, name: Open, version: 1.0.0, context: /open, auth: none, backend: [ "BACKEND" ] }
`

// TestGracefulStop: on SIGTERM /readyz turns 503 at once; after the drain
// delay new connections are refused, while a request already at a slow
// backend completes; serve returns 0.
func TestGracefulStop(t *testing.T) {
	backend, hits := startBackend(t, 1500*time.Millisecond)
	r := startServer(t, lifecycleConfig, nil, backend)
	eventually(t, "ready", func() bool { st, _ := r.get("/readyz"); return st == 200 })

	var status atomic.Int64
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		resp := do(t, r.traffic, "GET", "/open/1.0.0/slow", "")
		status.Store(int64(resp.StatusCode()))
	}()
	eventually(t, "the request at the backend", func() bool { return hits.Load() == 1 })
	stopAt := time.Now()
	r.sigs <- syscall.SIGTERM

	eventually(t, "readyz 503", func() bool { st, body := r.get("/readyz"); return st == 503 && strings.Contains(body, "draining") })
	if c, err := net.DialTimeout("tcp", r.traffic, time.Second); err != nil {
		t.Errorf("during the drain delay a new connection must still be accepted: %v", err)
	} else {
		_ = c.Close()
	}
	eventually(t, "new connections refused", func() bool {
		c, err := net.DialTimeout("tcp", r.traffic, time.Second)
		if err == nil {
			_ = c.Close()
		}
		return err != nil
	})
	if since := time.Since(stopAt); since < 300*time.Millisecond {
		t.Errorf("listener closed %v after SIGTERM, before the 300ms drain delay", since)
	}
	select {
	case <-finished:
		t.Fatal("the in-flight request ended before its backend answered")
	default:
	}
	<-finished
	if status.Load() != 200 {
		t.Errorf("in-flight request: status %d, want 200", status.Load())
	}
	select {
	case <-r.done:
		if r.code != 0 {
			t.Errorf("serve returned %d, want 0", r.code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after the in-flight request finished")
	}
}

// TestGracePeriodOver: a request longer than the grace period does not
// hold the stop; serve still returns 0.
func TestGracePeriodOver(t *testing.T) {
	backend, hits := startBackend(t, 1500*time.Millisecond)
	cfg := strings.Replace(lifecycleConfig, "drain_delay: 300ms, grace_period: 5s", "drain_delay: 0s, grace_period: 200ms", 1)
	r := startServer(t, cfg, nil, backend)
	go func() {
		c, err := net.Dial("tcp", r.traffic)
		if err == nil {
			_, _ = c.Write([]byte("GET /open/1.0.0/x HTTP/1.1\r\nHost: x\r\n\r\n"))
			_, _ = c.Read(make([]byte, 1))
			_ = c.Close()
		}
	}()
	eventually(t, "the request at the backend", func() bool { return hits.Load() == 1 })
	start := time.Now()
	r.sigs <- syscall.SIGTERM
	select {
	case <-r.done:
		if r.code != 0 {
			t.Errorf("serve returned %d, want 0", r.code)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("stop took %v with a 200ms grace period", took)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after the grace period")
	}
}
