package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/seqgate/seqgate/sequences/lint"
)

// lintCmd is `seqgate lint <file-or-folder>...`: one line per finding on
// stdout ("file:line: <element>: message [rule]"), then a summary per
// rule. Exit 1 if anything was found, 2 on a usage error or a file that
// cannot be read or parsed (the other files are still linted).
func lintCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		commandUsage(stderr, "lint", nil)
		return 2
	}
	findings, err := lint.Paths(args)
	for _, f := range findings {
		fmt.Fprintln(stdout, f)
	}
	fmt.Fprintln(stdout, lintSummary(findings))
	switch {
	case err != nil:
		fmt.Fprintln(stderr, err)
		return 2
	case len(findings) > 0:
		return 1
	}
	return 0
}

// lintSummary is "N findings (rule: n, ...)" or "no findings".
func lintSummary(findings []lint.Finding) string {
	if len(findings) == 0 {
		return "no findings"
	}
	byRule := map[string]int{}
	for _, f := range findings {
		byRule[f.Rule]++
	}
	rules := make([]string, 0, len(byRule))
	for r, n := range byRule {
		rules = append(rules, fmt.Sprintf("%s: %d", r, n))
	}
	sort.Strings(rules)
	return fmt.Sprintf("%d findings (%s)", len(findings), strings.Join(rules, ", "))
}
