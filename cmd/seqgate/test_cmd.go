package main

import (
	"fmt"
	"io"
	"os"

	"github.com/seqgate/seqgate/handlers/seqtest"
)

// testCmd runs the *.test.yaml files under each path (default: the current
// folder) as `go test` would: a line per failed case (per case with -v)
// with its mismatches, then "N passed, N failed". Exit 1 when a case
// failed or a file could not run, 2 on a usage error or when no test file
// was found.
func testCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("test", stdout, stderr)
	junit := fs.String("junit", "", "also write a JUnit XML report to this file")
	verbose := fs.Bool("v", false, "print passing cases too")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	files, err := seqtest.Find(paths...)
	if err != nil {
		fmt.Fprintln(stderr, "seqgate test:", err)
		return 2
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "seqgate test: no *%s files under %v\n", seqtest.Suffix, paths)
		return 2
	}
	r := seqtest.NewRunner(seqtest.Options{})
	defer r.Close()
	var rep seqtest.Report
	for _, f := range files {
		fr, err := r.RunFile(f)
		rep.Add(fr, err)
		seqtest.WriteFile(stdout, rep.Files[len(rep.Files)-1], *verbose)
	}
	rep.WriteSummary(stdout)
	if *junit != "" {
		if err := writeJUnit(*junit, &rep); err != nil {
			fmt.Fprintln(stderr, "seqgate test: junit:", err)
			return 2
		}
	}
	if _, failed := rep.Counts(); failed > 0 {
		return 1
	}
	return 0
}

func writeJUnit(path string, rep *seqtest.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := rep.WriteJUnit(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
