package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	messy     = "<sequence name=\"WSO2AM--Ext--In\">\n  <property name='a'   value=\"1\"></property>\n</sequence>"
	canonical = "<sequence name=\"WSO2AM--Ext--In\">\n    <property name=\"a\" value=\"1\"/>\n</sequence>\n"
	broken    = "<sequence name=\"b\">\n  <nosuch/>\n</sequence>\n"
)

// writeTree writes name -> content under a new temp folder.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runCmd(cmd func([]string, *bytes.Buffer, *bytes.Buffer) int, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cmd(args, &out, &errb)
	return code, out.String(), errb.String()
}

func fmtRunner(args []string, out, errb *bytes.Buffer) int  { return formatCmd(args, out, errb) }
func lintRunner(args []string, out, errb *bytes.Buffer) int { return lintCmd(args, out, errb) }

func TestFmtCommand(t *testing.T) {
	tests := []struct {
		name     string
		args     []string // "DIR" is replaced by the temp folder
		code     int
		stdout   string // substring; "" means empty
		stderr   string // substring; "" means empty
		wantMess string // content of messy.xml afterwards
	}{
		{"print one file", []string{"DIR/messy.xml"}, 0, canonical, "", messy},
		{"list", []string{"-l", "DIR/messy.xml", "DIR/ok.xml"}, 0, "DIR/messy.xml\n", "", messy},
		{"diff", []string{"-d", "DIR/messy.xml"}, 0, "-  <property name='a'   value=\"1\"></property>\n-</sequence>\n\\ No newline at end of file\n+    <property name=\"a\" value=\"1\"/>\n+</sequence>\n", "", messy},
		{"write", []string{"-w", "DIR/messy.xml"}, 0, "", "", canonical},
		{"folder with a broken file", []string{"-l", "-w", "DIR"}, 2, "DIR/messy.xml\n", "DIR/broken.xml:2: <nosuch>: unsupported mediator", canonical},
		{"no args", nil, 2, "", "usage: seqgate fmt", messy},
		{"missing file", []string{"DIR/nope.xml"}, 2, "", "no such file", messy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"messy.xml": messy, "ok.xml": canonical, "broken.xml": broken, ".hidden.xml": "not xml"})
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "DIR", dir)
			}
			code, out, errs := runCmd(fmtRunner, args...)
			out, errs = strings.ReplaceAll(out, dir, "DIR"), strings.ReplaceAll(errs, dir, "DIR")
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errs)
			}
			checkContains(t, "stdout", out, tt.stdout)
			checkContains(t, "stderr", errs, tt.stderr)
			if got := readString(t, filepath.Join(dir, "messy.xml")); got != tt.wantMess {
				t.Errorf("messy.xml is now %q, want %q", got, tt.wantMess)
			}
			if got := readString(t, filepath.Join(dir, "broken.xml")); got != broken {
				t.Errorf("broken.xml was rewritten: %q", got)
			}
		})
	}
}

// TestFmtWriteKeepsModeAndLeavesNoTemp: -w replaces the file by rename,
// with its mode, and leaves nothing behind.
func TestFmtWriteKeepsModeAndLeavesNoTemp(t *testing.T) {
	dir := writeTree(t, map[string]string{"messy.xml": messy})
	f := filepath.Join(dir, "messy.xml")
	if err := os.Chmod(f, 0o604); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCmd(fmtRunner, "-w", f); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	info, err := os.Stat(f)
	if err != nil || info.Mode().Perm() != 0o604 {
		t.Errorf("mode = %v, %v; want 0604", info.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries after -w, want 1", len(entries))
	}
	// a second run changes nothing and lists nothing
	if code, out, _ := runCmd(fmtRunner, "-l", f); code != 0 || out != "" {
		t.Errorf("second -l: exit %d, out %q", code, out)
	}
}

func TestLintCommand(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		code   int
		stdout []string
		stderr string
	}{
		{"clean", map[string]string{"a.xml": canonical}, 0, []string{"no findings\n"}, ""},
		{"findings", map[string]string{
			"in.xml":  "<sequence name=\"WSO2AM--Ext--In\">\n  <send/>\n  <log/>\n</sequence>",
			"get.xml": "<sequence name=\"g\">\n  <log>\n    <property name=\"x\" expression=\"$ctx:nobody\"/>\n  </log>\n</sequence>",
		}, 1, []string{
			"DIR/get.xml:3: <property>: property \"nobody\" is read but no sequence in this folder sets it, nor does the gateway [property-never-set]\n" +
				"DIR/in.xml:2: <send>: <send> in extension sequence \"WSO2AM--Ext--In\"",
			"DIR/in.xml:3: <log>: never runs: <send> on line 2 ends the flow [unreachable]\n",
			"3 findings (property-never-set: 1, send-in-extension: 1, unreachable: 1)\n",
		}, ""},
		{"unparsable file", map[string]string{"bad.xml": "<sequence name=\"x\">\n<log>"}, 2, []string{"no findings"}, "DIR/bad.xml:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			code, out, errs := runCmd(lintRunner, dir)
			out, errs = strings.ReplaceAll(out, dir, "DIR"), strings.ReplaceAll(errs, dir, "DIR")
			if code != tt.code {
				t.Errorf("exit %d, want %d (stdout %q, stderr %q)", code, tt.code, out, errs)
			}
			for _, s := range tt.stdout {
				checkContains(t, "stdout", out, s)
			}
			checkContains(t, "stderr", errs, tt.stderr)
		})
	}
	if code, _, errs := runCmd(lintRunner); code != 2 || !strings.Contains(errs, "usage") {
		t.Errorf("no args: exit %d, stderr %q", code, errs)
	}
}

func checkContains(t *testing.T, what, got, want string) {
	t.Helper()
	if want == "" && got != "" || !strings.Contains(got, want) {
		t.Errorf("%s = %q, want it to contain %q", what, got, want)
	}
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
