package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/seqgate/seqgate/sequences"
)

// validate compiles every sequence under a file or folder and prints each
// error on stderr; exit 1 if any failed.
func validate(args []string) int {
	if len(args) != 1 {
		commandUsage(os.Stderr, "validate", nil)
		return 2
	}
	if ext := strings.ToLower(filepath.Ext(args[0])); ext == ".yaml" || ext == ".yml" {
		// A gateway config, not a sequence: check it as run would load it.
		return checkConfig(args[0], os.Stdout, os.Stderr)
	}
	if isHome(args[0]) {
		return validateHome(args[0])
	}
	files, err := countSequenceFiles(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "seqgate validate:", err)
		return 2
	}
	errs := sequences.ValidatePath(args[0])
	refused := map[string]bool{}
	for _, e := range errs {
		fmt.Fprintln(os.Stderr, e)
		refused[strings.SplitN(e.Error(), ":", 2)[0]] = true
	}
	fmt.Printf("%d files, %d valid, %d refused\n", files, files-len(refused), len(refused))
	if len(errs) > 0 {
		return 1
	}
	return 0
}

// countSequenceFiles counts what ValidatePath checks: .xml sequences and
// .j2 operation policy templates.
func countSequenceFiles(path string) (int, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	if !st.IsDir() {
		return 1, nil
	}
	n := 0
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (sequences.IsSequenceFile(d.Name()) || sequences.IsPolicyTemplate(d.Name())) {
			n++
		}
		return err
	})
	return n, err
}
