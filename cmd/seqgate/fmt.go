package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/seqgate/seqgate/deploy/atomicfile"
	"github.com/seqgate/seqgate/sequences"
	"github.com/seqgate/seqgate/sequences/format"
)

// formatCmd is `seqgate fmt [-w] [-l] [-d] <file-or-folder>...`, modelled
// on gofmt: without flags it prints the canonical form of each file; -l
// lists the files whose form differs, -d prints a diff, -w rewrites them
// in place. Like gofmt it exits 0 even when files differ (CI checks that
// -l prints nothing) and 2 when a file cannot be read, parsed, compiled
// or written; such a file is never rewritten.
func formatCmd(args []string, stdout, stderr io.Writer) int {
	fl := newFlags("fmt", stdout, stderr)
	write := fl.Bool("w", false, "write the canonical form back to the file")
	list := fl.Bool("l", false, "list files whose formatting differs")
	diff := fl.Bool("d", false, "print a diff instead of the canonical form")
	if code, done := parseFlags(fl, args, stdout); done {
		return code
	}
	if fl.NArg() == 0 {
		fl.Usage()
		return 2
	}
	status := 0
	for _, p := range fl.Args() {
		err := eachSequenceFile(p, func(file string) error {
			return formatFile(file, stdout, *write, *list, *diff)
		})
		if err != nil {
			fmt.Fprintln(stderr, err)
			status = 2
		}
	}
	return status
}

// formatFile does what the flags ask for one file.
func formatFile(file string, stdout io.Writer, write, list, diff bool) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	changed, out, err := format.Changed(file, data)
	if err != nil {
		return err
	}
	if list && changed {
		fmt.Fprintln(stdout, file)
	}
	if diff {
		stdout.Write(format.Diff(file, data, out))
	}
	if write && changed {
		if err := writeAtomic(file, out); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	if !write && !list && !diff {
		stdout.Write(out)
	}
	return nil
}

// writeAtomic replaces file with data, keeping its mode, through
// atomicfile.Write: a hot-deploy watcher never sees a half-written
// sequence, and the new content is synced before fmt returns.
func writeAtomic(file string, data []byte) error {
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	return atomicfile.Write(file, data, info.Mode().Perm())
}

// eachSequenceFile calls fn for a named file, or for every sequence file
// under a folder (sequences.IsSequenceFile), stopping at the first error
// of the walk; fn's errors are reported and the walk goes on.
func eachSequenceFile(path string, fn func(string) error) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fn(path)
	}
	var errs []error
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && sequences.IsSequenceFile(d.Name()) {
			errs = append(errs, fn(p))
		}
		return nil
	})
	return errors.Join(append(errs, err)...)
}
