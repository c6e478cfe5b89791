package mediators

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden runs every testdata/<case>/: sequence.xml on request.http (or,
// when response.http exists, on the response path) and compares the
// transcript with want.txt, or the compile error with want-error.txt.
// Files seq-*.xml are sequences the case can call by name.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*/sequence.xml")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, f := range dirs {
		dir := filepath.Dir(f)
		t.Run(filepath.Base(dir), func(t *testing.T) { runGolden(t, dir) })
	}
}

func runGolden(t *testing.T, dir string) {
	if *update { // the case may have moved between compile error and run
		os.Remove(filepath.Join(dir, "want.txt"))
		os.Remove(filepath.Join(dir, "want-error.txt"))
	}
	src := readFile(t, filepath.Join(dir, "sequence.xml"))
	l, _, err := compileXML("sequence.xml", src)
	if err != nil {
		checkGolden(t, filepath.Join(dir, "want-error.txt"), err.Error()+"\n")
		return
	}
	e := newEnv(t, readFile(t, filepath.Join(dir, "request.http")), optionalFile(t, filepath.Join(dir, "response.http")))
	e.mc.Sequences = loadSeqs(t, dir)
	cont, err := l.Mediate(e.mc)
	checkGolden(t, filepath.Join(dir, "want.txt"), e.transcript(cont, err))
}

// loadSeqs compiles the seq-*.xml of a case, keyed by their name attribute.
func loadSeqs(t *testing.T, dir string) seqMap {
	files, _ := filepath.Glob(filepath.Join(dir, "seq-*.xml"))
	seqs := seqMap{}
	for _, f := range files {
		src := readFile(t, f)
		l, _, err := compileXML(filepath.Base(f), src)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		doc := etree.NewDocument()
		if err := doc.ReadFromString(src); err != nil {
			t.Fatal(err)
		}
		seqs[doc.Root().SelectAttrValue("name", "")] = l
	}
	return seqs
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it); got:\n%s", err, got)
	}
	if string(want) != got {
		t.Errorf("%s differs\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func optionalFile(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(string(b), "\ufeff")
}
