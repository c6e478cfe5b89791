package seqtest

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// CaseResult is one case's outcome: passed when Failures is empty.
type CaseResult struct {
	Name     string
	Duration time.Duration
	Failures []string // one mismatch per line: field, wanted, got
}

// Passed reports whether the case passed.
func (c CaseResult) Passed() bool { return len(c.Failures) == 0 }

// FileReport is the outcome of one test file.
type FileReport struct {
	Path  string
	Cases []CaseResult
	Err   error // set by the caller when the file could not run (Report.Add)
}

// Report gathers the files of one run.
type Report struct {
	Files []FileReport
}

// Add records a file's outcome; err is RunFile's.
func (r *Report) Add(f FileReport, err error) {
	f.Err = err
	r.Files = append(r.Files, f)
}

// Counts returns the cases passed and failed; a file that could not run
// counts as one failure.
func (r *Report) Counts() (passed, failed int) {
	for _, f := range r.Files {
		if f.Err != nil {
			failed++
		}
		for _, c := range f.Cases {
			if c.Passed() {
				passed++
			} else {
				failed++
			}
		}
	}
	return passed, failed
}

// WriteFile writes one file's lines as go test does: a line per case
// (passing ones only when verbose), its mismatches indented under it.
func WriteFile(w io.Writer, f FileReport, verbose bool) {
	if f.Err != nil {
		fmt.Fprintf(w, "--- FAIL: %s\n    %s\n", f.Path, indent(f.Err.Error()))
	}
	for _, c := range f.Cases {
		if c.Passed() {
			if verbose {
				fmt.Fprintf(w, "--- PASS: %s: %s (%s)\n", f.Path, c.Name, ms(c.Duration))
			}
			continue
		}
		fmt.Fprintf(w, "--- FAIL: %s: %s (%s)\n", f.Path, c.Name, ms(c.Duration))
		for _, l := range c.Failures {
			fmt.Fprintf(w, "    %s\n", indent(l))
		}
	}
}

// WriteSummary writes "N passed, N failed".
func (r *Report) WriteSummary(w io.Writer) {
	p, f := r.Counts()
	fmt.Fprintf(w, "%d passed, %d failed\n", p, f)
}

func ms(d time.Duration) string { return d.Round(time.Millisecond).String() }

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n    ") }

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML (one testsuite per file), the
// format CI systems read.
func (r *Report) WriteJUnit(w io.Writer) error {
	var out junitSuites
	for _, f := range r.Files {
		s := junitSuite{Name: f.Path}
		var total time.Duration
		if f.Err != nil {
			s.Cases = append(s.Cases, junitCase{Name: "(load)", Classname: f.Path, Time: "0",
				Failure: &junitFailure{Message: "file did not run", Text: f.Err.Error()}})
		}
		for _, c := range f.Cases {
			jc := junitCase{Name: c.Name, Classname: f.Path, Time: secs(c.Duration)}
			if !c.Passed() {
				jc.Failure = &junitFailure{Message: c.Failures[0], Text: strings.Join(c.Failures, "\n")}
			}
			s.Cases = append(s.Cases, jc)
			total += c.Duration
		}
		for _, c := range s.Cases {
			s.Tests++
			if c.Failure != nil {
				s.Failures++
			}
		}
		s.Time = secs(total)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func secs(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
