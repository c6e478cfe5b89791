package main

import (
	"bytes"
	"strings"
	"testing"
)

// script is perf script output in the shape perf writes it: a header line
// per sample, indented frames, a blank line between samples.
const script = `seqgate  1234 [000] 1.0: cpu-clock:
	ffffffff81e2cd59 sock_write_iter
	ffffffff816b98aa ksys_write
	            e22e internal/runtime/syscall/linux.Syscall6
	          1d6a05 net.(*conn).Write
	          2a0000 github.com/valyala/fasthttp.(*Server).serveConnCounted

seqgate  1234 [000] 1.1: cpu-clock:
	ffffffff81e2cd59 sock_write_iter
	ffffffff816b98aa ksys_write
	          1d6a05 net.(*conn).Write
	          2b0000 github.com/valyala/fasthttp.(*transport).RoundTrip

seqgate  1234 [000] 1.2: cpu-clock:
	          3c0000 regexp.(*Regexp).doExecute
	          3d0000 github.com/seqgate/seqgate/mediation.(*Regex).MatchString
	          3e0000 github.com/seqgate/seqgate/mediation/mediators.(*filter).Mediate

seqgate  1234 [000] 1.25: cpu-clock:
	          6a0000 main.appendString
	          6b0000 main.(*lineCore).Write

seqgate  1234 [000] 1.3: cpu-clock:
	          4a0000 runtime.findRunnable

backend  99 [000] 1.4: cpu-clock:
	ffffffff81e2cd59 tcp_v4_rcv

seqgate  1234 [000] 1.5: cpu-clock:
	ffffffff8100aaaa hrtimer_nanosleep
	          5a0000 runtime.usleep
`

func TestSplit(t *testing.T) {
	s, err := read(strings.NewReader(script), "seqgate")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		got  int
		want int
	}{
		{"total", s.total, 7},
		{"ours", s.ours, 6},
		{"log writer", s.user["cmd/seqgate log writer (lineCore)"], 1},
		{"write to client", s.kernel["write to client"], 1},
		{"write to backend", s.kernel["write to backend"], 1},
		{"sysmon", s.kernel["nanosleep (Go's sysmon)"], 1},
		{"regex under filter", s.user["mediation.(*Regex).MatchString"], 1},
		{"runtime", s.user["(fasthttp server, Go runtime)"], 1},
		{"backend", s.other["backend"], 1},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d samples, want %d", c.name, c.got, c.want)
		}
	}
	var out bytes.Buffer
	s.print(&out, 250, 10) // 4000 Hz, one request: 250 µs a sample
	if !strings.Contains(out.String(), "gateway CPU 1500.0 µs/req") || !strings.Contains(out.String(), "write to client") {
		t.Errorf("report:\n%s", out.String())
	}
}
