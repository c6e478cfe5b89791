package e2e

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// TestLogLinesWrittenOnExit: log lines are buffered (log.flush_interval,
// here an hour, so nothing is written before exit), and a graceful exit
// writes every one of them, whole, in order: 300 requests, each logging
// its X-Seq through a <log> mediator, then SIGTERM.
func TestLogLinesWrittenOnExit(t *testing.T) {
	t.Parallel()
	globalIn := seq("WSO2AM--Ext--In", `<log level="custom"><property name="seq" expression="$trp:X-Seq"/></log>`)
	g := startGateway(t, gwConfig{Extra: map[string]any{"log": map[string]any{"flush_interval": "1h"}}},
		seqFile{0, "global_in.xml", globalIn})
	const n = 300
	for i := 0; i < n; i++ {
		if r := g.doReq("GET", "/orders/1.0.0/1", withKey(keyApp1, "X-Seq", "q"+strconv.Itoa(i)), ""); r.Status != 200 {
			t.Fatalf("request %d: %d %s", i, r.Status, r.Body)
		}
	}
	g.halt()
	next := 0
	for _, line := range strings.Split(g.stderr.String(), "\n") {
		if !strings.Contains(line, `"seq = q`) {
			continue
		}
		var l struct{ Level, Msg, Mediator string }
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("line %d is not one JSON object: %v\n%s", next, err, line)
		}
		if want := "seq = q" + strconv.Itoa(next); l.Msg != want || l.Level != "info" || l.Mediator != "log" {
			t.Fatalf("line %d: %+v, want msg %q", next, l, want)
		}
		next++
	}
	if next != n {
		t.Fatalf("%d of %d log lines written by exit; stderr tail:\n%s", next, n, tail(g.stderr.String(), 2000))
	}
}
