package e2e

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// runCLI runs the binary to completion (bounded to 10 s) and returns its
// exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("seqgate %v did not exit within 10s; stderr:\n%s", args, stderr.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("seqgate %v: %v", args, err)
	}
	return code, stdout.String(), stderr.String()
}

// TestValidate: `seqgate validate` reports each bad file as
// file:line: <element>: reason, prints a summary, and exits 1 if any file
// is refused.
func TestValidate(t *testing.T) {
	t.Parallel()
	good := seq("WSO2AM--Ext--In", setHeader("X-A", "1"))
	bad := seq("WSO2AM--Ext--Out", setHeader("X-A", "1"), "<foo/>") // <foo/> on line 4
	broken := seq("Broken", "<log level=\"custom\">")               // never closed
	cases := []struct {
		name       string
		files      map[string]string
		arg        string // relative to the temp dir; "" is the dir itself
		wantCode   int
		wantErrs   []string // regexps each matching a stderr line
		wantSum    string   // regexp for stdout
		quietAbout string   // a file stderr must not mention
	}{
		{"one good one bad", map[string]string{"good.xml": good, "bad.xml": bad}, "", 1,
			[]string{`bad\.xml:4: <foo>: unsupported mediator`}, `2 files, 1 valid, 1 refused`, "good.xml"},
		{"all good, recursive", map[string]string{"a.xml": good, "sub/deeper/b.xml": good}, "", 0,
			nil, `2 files, 2 valid, 0 refused`, "a.xml"},
		{"malformed xml", map[string]string{"broken.xml": broken}, "", 1,
			[]string{`broken\.xml:\d+: `}, `1 files?, 0 valid, 1 refused`, ""},
		{"single file", map[string]string{"good.xml": good, "bad.xml": bad}, "good.xml", 0,
			nil, `1 files?, 1 valid, 0 refused`, "bad.xml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, xml := range c.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				writeFile(t, p, xml)
			}
			code, stdout, stderr := runCLI(t, "validate", filepath.Join(dir, c.arg))
			if code != c.wantCode {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, c.wantCode, stderr)
			}
			for _, re := range c.wantErrs {
				if !regexp.MustCompile(`(?m)` + re).MatchString(stderr) {
					t.Errorf("stderr has no line matching %q:\n%s", re, stderr)
				}
			}
			if !regexp.MustCompile(c.wantSum).MatchString(stdout) {
				t.Errorf("stdout = %q, want a summary matching %q", stdout, c.wantSum)
			}
			if c.quietAbout != "" && strings.Contains(stderr, c.quietAbout+":") {
				t.Errorf("stderr mentions valid file %s:\n%s", c.quietAbout, stderr)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "version")
	if code != 0 || !regexp.MustCompile(`^seqgate \S+`).MatchString(stdout) {
		t.Errorf("version: exit %d, stdout %q, stderr %q; want exit 0 and `seqgate <version>`", code, stdout, stderr)
	}
}

// TestBadConfig: a bad config stops the binary before anything listens,
// with exit code 2 and an error naming the key.
func TestBadConfig(t *testing.T) {
	t.Parallel()
	unknownTier := ordersAPI()
	unknownTier.Tier = "Platinum"
	cases := []struct {
		name  string
		cfg   gwConfig
		extra string // appended to the YAML
		want  string // stderr must contain it
	}{
		{"bad extension position", gwConfig{Position: "middle"}, "", "extension_handler_position"},
		{"unknown key", gwConfig{}, "listn: {http: \"127.0.0.1:1\"}\n", "listn"},
		{"unknown tier", gwConfig{APIs: []apiDef{unknownTier}}, "", "Platinum"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			makeRepo(t, dir)
			traffic, admin := freePort(t), freePort(t)
			cfgPath := filepath.Join(dir, "config.yaml")
			writeFile(t, cfgPath, c.cfg.yaml(traffic, admin, "http://127.0.0.1:1")+c.extra)
			code, _, stderr := runCLI(t, "run", "-config", cfgPath)
			if code != 2 {
				t.Errorf("exit code = %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr does not name %q:\n%s", c.want, stderr)
			}
			if strings.Contains(stderr, `"listening"`) {
				t.Errorf("a listener was opened despite the bad config:\n%s", stderr)
			}
			if conn, err := net.DialTimeout("tcp", traffic, time.Second); err == nil {
				conn.Close()
				t.Errorf("traffic port %s is listening after a bad config", traffic)
			}
		})
	}
}
