package sequences_test

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/mediation"
	_ "github.com/seqgate/seqgate/mediation/mediators"
	"github.com/seqgate/seqgate/sequences"
)

func compileFile(t *testing.T, path string) error {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sequences.Compile(path, data)
	if err == nil {
		t.Fatalf("%s compiled, want errors", path)
	}
	return err
}

// TestCompileReportsEveryError: a file with three bad expressions (one of
// them nested in a filter) reports all three, each with its own line, in
// document order, not only the first.
func TestCompileReportsEveryError(t *testing.T) {
	const f = "testdata/errors/three_bad_expressions.xml"
	err := compileFile(t, f)
	var ces mediation.CompileErrors
	if !errors.As(err, &ces) {
		t.Fatalf("error %T is not mediation.CompileErrors: %v", err, err)
	}
	lines := strings.Split(err.Error(), "\n")
	want := []*regexp.Regexp{
		regexp.MustCompile(`^` + regexp.QuoteMeta(f) + `:3: <property>: expression="count\(": `),
		regexp.MustCompile(`^` + regexp.QuoteMeta(f) + `:9: <property>: expression="//\[": `),
		regexp.MustCompile(`^` + regexp.QuoteMeta(f) + `:12: <property>: expression="json-eval\(": `),
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%s", len(lines), len(want), err)
	}
	for i, re := range want {
		if !re.MatchString(lines[i]) {
			t.Errorf("error %d = %q, want match %s", i+1, lines[i], re)
		}
	}
	// errors.As still finds one position for callers that want one.
	var ce *mediation.CompileError
	if !errors.As(err, &ce) || ce.Line != 3 {
		t.Errorf("errors.As(*CompileError) = %v, want the line-3 error", ce)
	}
}

// TestUnknownMediatorSuggestion: a typo of a registered mediator names the
// one meant; a real Synapse mediator seqgate lacks keeps the plain text.
func TestUnknownMediatorSuggestion(t *testing.T) {
	const f = "testdata/errors/propery.xml"
	want := f + ":3: <propery>: unknown mediator <propery>; did you mean <property>?"
	if got := compileFile(t, f).Error(); got != want {
		t.Errorf("error = %q\nwant    %q", got, want)
	}
	_, err := sequences.Compile("f.xml", []byte("<sequence name=\"s\">\n<iterate/>\n</sequence>"))
	if err == nil || strings.Contains(err.Error(), "did you mean") {
		t.Errorf("<iterate>: error = %v, want no suggestion", err)
	}
}

// TestCompileErrorsCapped: a file broken everywhere lists the first
// MaxReportedErrors and counts the rest.
func TestCompileErrorsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("<sequence name=\"s\">\n")
	for i := 0; i < mediation.MaxReportedErrors+5; i++ {
		fmt.Fprintf(&b, "<nosuch%d/>\n", i)
	}
	b.WriteString("</sequence>")
	_, err := sequences.Compile("f.xml", []byte(b.String()))
	if err == nil {
		t.Fatal("compiled")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != mediation.MaxReportedErrors+1 || lines[len(lines)-1] != "and 5 more" {
		t.Errorf("got %d lines, last %q; want %d and \"and 5 more\"", len(lines), lines[len(lines)-1], mediation.MaxReportedErrors+1)
	}
	if !strings.HasPrefix(lines[0], "f.xml:2: <nosuch0>: ") {
		t.Errorf("first = %q", lines[0])
	}
}

// TestCompileReportsEveryBranch: errors in <then> and <else>, and in
// several switch cases and the default, are all reported.
func TestCompileReportsEveryBranch(t *testing.T) {
	const f = "testdata/errors/branches.xml"
	got := compileFile(t, f).Error()
	want := []string{
		f + ":4: <property>: expression=\"count(\"",
		f + ":7: <propery>: unknown mediator <propery>; did you mean <property>?",
		f + ":12: <property>: expression=\"//[\"",
		f + ":15: <property>: expression=\"json-eval(\"",
		f + ":18: <heder>: unknown mediator <heder>; did you mean <header>?",
	}
	lines := strings.Split(got, "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%s", len(lines), len(want), got)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("error %d = %q, want prefix %q", i+1, lines[i], w)
		}
	}
}
