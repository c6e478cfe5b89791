package config

import (
	"strings"
	"testing"
)

func TestAccessLogConfig(t *testing.T) {
	const base = "listen: { http: \"127.0.0.1:0\" }\n"
	for _, tc := range []struct {
		name, yaml, err string
	}{
		{"defaults", "", ""},
		{"combined to a file", `access_log: { enabled: true, output: logs/access.log, format: combined }`, ""},
		{"unknown format", `access_log: { enabled: true, format: clf }`, `access_log.format: "clf" is not json or combined`},
		{"negative buffer", `access_log: { buffer: -1 }`, "access_log.buffer: must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(base + tc.yaml))
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("error %v, want it to contain %q", err, tc.err)
			}
		})
	}
	c, err := Parse([]byte(base + "access_log: { output: logs/a.log }\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := c.AccessLog
	if a.Enabled || a.Format != "json" || a.Buffer != 8192 || a.Path("/etc/seqgate") != "/etc/seqgate/logs/a.log" {
		t.Errorf("defaults: %+v, path %s", a, a.Path("/etc/seqgate"))
	}
	if p := (AccessLog{Output: "-"}).Path("/x"); p != "-" {
		t.Errorf("stdout path %q", p)
	}
}
