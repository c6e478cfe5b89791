package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// corpusSize is the number of files in the shared corpus; the tally reads
// "compiled N/102". A different count fails the test: the corpus is fixed.
const corpusSize = 102

// binary is the seqgate built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "seqgate-conformance-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	root, err := repoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		return 1
	}
	binary = filepath.Join(dir, "seqgate")
	build := exec.Command("go", "build", "-o", binary, "./cmd/seqgate")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "conformance: go build ./cmd/seqgate: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// repoRoot is the folder holding go.mod, found upwards from the test's
// working directory (tests/conformance).
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the test directory")
		}
		dir = parent
	}
}

// corpusDir is <repo>/../shared/conformance/synapse. It must exist: a
// missing corpus is a broken checkout, never a reason to skip.
func corpusDir(t *testing.T) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "conformance", "synapse")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("conformance corpus missing: %s must hold the Synapse sequence corpus (*.xml); "+
			"check out the shared folder next to the repository (%v)", dir, err)
	}
	return dir
}

// result is what one corpus file gave.
type result struct {
	file        string
	mediators   map[string]int
	outside     []string // mediators outside the issue-#2 list (our own walk)
	compiled    bool
	unsupported []string // <x> of "<x>: unsupported mediator" lines
	errors      []string // seqgate validate's stderr lines
}

var unsupportedLine = regexp.MustCompile(`<([^>]+)>: unsupported mediator`)

// validateFile runs `seqgate validate file` and checks the invariants that
// hold for any input: exit 0 or 1, never a crash, a summary on stdout, and
// an error on stderr that names the file when refused.
func validateFile(t *testing.T, file string) (compiled bool, stderrLines []string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	// Run from the file's folder with a relative name, so that errors read
	// "x.xml:12: ..." in the tally.
	name := filepath.Base(file)
	cmd := exec.Command(binary, "validate", name)
	cmd.Dir = filepath.Dir(file)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run seqgate validate: %v", err)
	}
	if strings.Contains(stderr.String(), "panic:") || code != 0 && code != 1 {
		t.Fatalf("seqgate validate %s crashed (exit %d):\n%s", name, code, stderr.String())
	}
	want := "1 files, 1 valid, 0 refused"
	if code == 1 {
		want = "1 files, 0 valid, 1 refused"
	}
	if got := strings.TrimSpace(stdout.String()); got != want {
		t.Errorf("stdout = %q, want %q (exit %d)", got, want, code)
	}
	for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if l != "" {
			stderrLines = append(stderrLines, l)
		}
	}
	if code == 1 && (len(stderrLines) == 0 || !strings.HasPrefix(stderrLines[0], name+":")) {
		t.Errorf("refused without an error naming the file: %q", stderrLines)
	}
	return code == 0, stderrLines
}

func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != corpusSize {
		t.Errorf("corpus has %d files, want %d", len(files), corpusSize)
	}
	results := make([]result, len(files))
	t.Run("file", func(t *testing.T) {
		for i, f := range files {
			t.Run(strings.TrimSuffix(filepath.Base(f), ".xml"), func(t *testing.T) {
				t.Parallel()
				results[i] = checkFile(t, f)
			})
		}
	})
	report(t, results)
}

// checkFile validates one file and fails when a file made only of the
// issue-#2 mediators is refused.
func checkFile(t *testing.T, file string) result {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r := result{file: filepath.Base(file)}
	if r.mediators, err = Mediators(data); err != nil {
		t.Fatalf("%s: %v", r.file, err)
	}
	r.outside = Unsupported(r.mediators)
	r.compiled, r.errors = validateFile(t, file)
	for _, l := range r.errors {
		if m := unsupportedLine.FindStringSubmatch(l); m != nil {
			r.unsupported = append(r.unsupported, m[1])
			if Supported[m[1]] {
				t.Errorf("%s: seqgate reports <%s>, an issue-#2 mediator, as unsupported: %s", r.file, m[1], l)
			}
		}
	}
	if len(r.outside) == 0 && !r.compiled {
		t.Errorf("%s uses only supported mediators %v but does not compile:\n%s",
			r.file, keys(r.mediators), strings.Join(r.errors, "\n"))
	}
	return r
}

// report prints the tally with t.Logf, and on stdout too with -v so that
// it reads as one block in CI logs.
func report(t *testing.T, results []result) {
	var b strings.Builder
	compiled, eligible, eligibleOK := 0, 0, 0
	unsupported := map[string]int{}
	var other []string
	for _, r := range results {
		if r.file == "" {
			continue // the subtest failed before recording
		}
		if r.compiled {
			compiled++
		}
		if len(r.outside) == 0 {
			eligible++
			if r.compiled {
				eligibleOK++
			}
		}
		for _, m := range r.unsupported {
			unsupported[m]++
		}
		if !r.compiled && len(r.unsupported) == 0 && len(r.errors) > 0 {
			other = append(other, r.errors[0])
		}
	}
	fmt.Fprintf(&b, "conformance: files compiled %d/%d\n", compiled, corpusSize)
	fmt.Fprintf(&b, "files using only issue-#2 mediators: %d, compiled: %d\n", eligible, eligibleOK)
	fmt.Fprintf(&b, "unsupported mediators reported (every error of each file):\n")
	for _, m := range byCount(unsupported) {
		fmt.Fprintf(&b, "  %-16s %d\n", m, unsupported[m])
	}
	fmt.Fprintf(&b, "refused for other reasons: %d\n", len(other))
	for _, e := range other {
		fmt.Fprintf(&b, "  %s\n", e)
	}
	t.Log("\n" + b.String())
	if testing.Verbose() {
		fmt.Print(b.String())
	}
}

// byCount sorts names by descending count, then by name.
func byCount(m map[string]int) []string {
	out := keys(m)
	sort.SliceStable(out, func(i, j int) bool { return m[out[i]] > m[out[j]] })
	return out
}

func keys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
