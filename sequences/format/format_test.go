package format

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden formats every testdata/<case>.in.xml and compares the result
// with <case>.golden.xml; the golden form must be a fixed point and mean
// what the input meant.
func TestGolden(t *testing.T) {
	ins, err := filepath.Glob("testdata/*.in.xml")
	if err != nil || len(ins) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, in := range ins {
		name := strings.TrimSuffix(filepath.Base(in), ".in.xml")
		t.Run(name, func(t *testing.T) {
			src := readFile(t, in)
			got, err := Source(in, src)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", name+".golden.xml"), got)
			assertIdempotent(t, in, got)
			assertSameBehaviour(t, src, got)
		})
	}
}

// TestRefused: a file that does not parse or compile is refused with the
// compiler's file:line error.
func TestRefused(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"not xml", "<sequence name=\"x\">\n  <log>\n</sequence>", "bad.xml:3: invalid xml"},
		{"unknown mediator", "<sequence name=\"x\">\n\n  <nosuch/>\n</sequence>", "bad.xml:3: <nosuch>: unsupported mediator"},
		{"no name", "<sequence/>", "bad.xml:1: <sequence>: attribute name is required"},
		{"empty", "", "bad.xml: no <sequence> element found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Source("bad.xml", []byte(tt.src))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("Source = %q, %v; want error starting %q", out, err, tt.want)
			}
		})
	}
}

// TestChanged reports canonical files as unchanged.
func TestChanged(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		want      bool
	}{
		{"canonical", "<sequence name=\"x\">\n    <drop/>\n</sequence>\n", false},
		{"no final newline", "<sequence name=\"x\">\n    <drop/>\n</sequence>", true},
		{"two-space indent", "<sequence name=\"x\">\n  <drop/>\n</sequence>\n", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			changed, _, err := Changed("x.xml", []byte(tt.src))
			if err != nil || changed != tt.want {
				t.Fatalf("Changed = %v, %v; want %v", changed, err, tt.want)
			}
		})
	}
}

func assertIdempotent(t *testing.T, file string, once []byte) {
	t.Helper()
	twice, err := Source(file, once)
	if err != nil {
		t.Fatalf("formatting the formatted file: %v", err)
	}
	if string(twice) != string(once) {
		t.Errorf("not idempotent:\n%s", Diff(file, once, twice))
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it); got:\n%s", err, got)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs:\n%s", path, Diff(path, want, got))
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
