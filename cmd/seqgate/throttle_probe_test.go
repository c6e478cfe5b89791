package main

import (
	"fmt"
	"strings"
	"testing"
)

// level is the part of a probe level the tests compare.
func levels(out map[string]any) string {
	var b strings.Builder
	ls, _ := out["levels"].([]any)
	for _, l := range ls {
		m := l.(map[string]any)
		fmt.Fprintf(&b, "%s %s limit=%v count=%v remaining=%v; ", m["level"], m["key"], m["limit"], m["count"], m["remaining"])
	}
	return b.String()
}

func TestThrottleProbeEndpoint(t *testing.T) {
	backend, _ := startBackend(t, 0)
	r := startServer(t, strings.Replace(throttleYAML, "STORE", "", 1), nil, backend)
	const app1 = "api=Orders&version=1.0.0&subject=app-1"
	cases := []struct {
		name, query string
		status      int
		want        string
	}{
		{"before traffic", app1, 200, "subscription sub|carbon.super|Orders|1.0.0|Two|app:app-1 limit=2 count=0 remaining=2; "},
		{"app by consumer key, with resource", "tenant=carbon.super&api=Orders&version=1.0.0&subject=heavy&resource=/bulk", 200,
			"application app|carbon.super|Three|app:heavy limit=3 count=0 remaining=3; resource res|carbon.super|Orders|1.0.0|Three|POST /bulk limit=3 count=0 remaining=3; "},
		{"anonymous caller of a shared api", "api=Shared&version=1.0.0&subject=ip:127.0.0.1", 200,
			"api api|carbon.super|Shared|1.0.0|Three limit=3 count=0 remaining=3; "},
	}
	for _, tc := range cases {
		if st, out := r.probe(tc.query); st != tc.status || levels(out) != tc.want {
			t.Errorf("%s: %d %s\nwant %d %s", tc.name, st, levels(out), tc.status, tc.want)
		}
	}
	check(t, r.traffic, want{"one request", "GET", "/orders/1.0.0/a", "key-1", 200, "2", "1"})
	for range 3 { // probing counts nothing
		_, out := r.probe(app1)
		if got := levels(out); got != "subscription sub|carbon.super|Orders|1.0.0|Two|app:app-1 limit=2 count=1 remaining=1; " {
			t.Fatalf("after one request: %s", got)
		}
		ms := out["levels"].([]any)[0].(map[string]any)["reset_ms"].(float64)
		if ms <= 0 || ms > 60000 {
			t.Errorf("reset_ms %v, want within (0, 60000]", ms)
		}
	}
	check(t, r.traffic, want{"second request", "GET", "/orders/1.0.0/a", "key-1", 200, "2", "0"})
	if st, out := r.probe("key=sub|carbon.super|Orders|1.0.0|Two|app:app-1"); st != 200 || out["count"] != 2.0 {
		t.Errorf("raw key: %d %v", st, out)
	}
	for _, bad := range []struct {
		query  string
		status int
	}{{"api=Nope&version=1.0.0", 404}, {"api=Orders&version=9", 404}, {"tenant=abc.com&api=Orders&version=1.0.0", 404}, {"api=Orders", 400}} {
		if st, out := r.probe(bad.query); st != bad.status || out["error"] == nil {
			t.Errorf("%s: %d %v, want %d with an error", bad.query, st, out, bad.status)
		}
	}
}
