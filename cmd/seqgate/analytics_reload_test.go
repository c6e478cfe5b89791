package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const analyticsReloadConfig = `
listen: { http: "127.0.0.1:0", admin: "off" }
repository: REPO
lifecycle: { drain_delay: 0s }
analytics: { sinks: [ { type: file, path: SINK, flush_interval: 1h } ] }
apis:
  - { provider: admin, name: Open, version: 1.0.0, context: /open, auth: none, backend: [ "BACKEND" ] }
`

// TestAnalyticsReload: a reload that leaves the analytics section alone
// keeps the publisher; one that changes it switches to a new publisher and
// closes the old one, flushing what it held (the flush interval is an
// hour, so only the close can have written the file).
func TestAnalyticsReload(t *testing.T) {
	backend, _ := startBackend(t, 0)
	cfg := func(sink string) string { return strings.ReplaceAll(analyticsReloadConfig, "SINK", sink) }
	r := startServer(t, cfg("a.jsonl"), nil, backend)
	live := func() any { return r.srv.rt.Publisher() }
	first := live()
	do(t, r.traffic, "GET", "/open/1.0.0/x", "")

	r.writeConfig(cfg("a.jsonl")+"  - { provider: admin, name: More, version: 1.0.0, context: /more, auth: none, backend: [ \"BACKEND\" ] }\n", backend)
	r.sigs <- syscall.SIGHUP
	eventually(t, "the More API", func() bool { return do(t, r.traffic, "GET", "/more/1.0.0/x", "").StatusCode() == 200 })
	if live() != first {
		t.Fatal("a reload with the same analytics section rebuilt the publisher")
	}
	if n := len(readEvents(t, filepath.Join(r.root, "a.jsonl"))); n != 0 {
		t.Fatalf("%d events written before any flush", n)
	}

	r.writeConfig(cfg("b.jsonl"), backend)
	r.sigs <- syscall.SIGHUP
	eventually(t, "the new publisher", func() bool { return live() != first })
	if n := len(readEvents(t, filepath.Join(r.root, "a.jsonl"))); n < 2 {
		t.Errorf("the old publisher's file has %d events after the switch, want its 2+ (flushed on close)", n)
	}
	do(t, r.traffic, "GET", "/open/1.0.0/y", "")
	r.stop()
	if n := len(readEvents(t, filepath.Join(r.root, "b.jsonl"))); n != 1 {
		t.Errorf("the new publisher's file has %d events after close, want 1", n)
	}
}
