package format

import (
	"bytes"
	"fmt"
	"strings"
)

// diffContext is the number of unchanged lines shown around a change.
const diffContext = 3

// maxDiffCells bounds the LCS table (lines of a times lines of b); past it
// the diff replaces the whole file, which is still a correct diff.
const maxDiffCells = 16 << 20

// Diff returns a unified diff from a to b labelled with name, or nil when
// they are equal. It is a plain LCS line diff: sequence files are small,
// and the output only has to be readable and correct, not minimal in
// hunks the way diff(1)'s heuristics make it.
func Diff(name string, a, b []byte) []byte {
	if bytes.Equal(a, b) {
		return nil
	}
	x, y := lines(a), lines(b)
	ops := editScript(x, y)
	var out bytes.Buffer
	fmt.Fprintf(&out, "--- %s\n+++ %s (formatted)\n", name, name)
	for _, h := range hunks(ops) {
		writeHunk(&out, ops[h[0]:h[1]])
	}
	return out.Bytes()
}

// lines splits s into lines, each with its newline, so that a missing
// final newline shows as a change.
func lines(s []byte) []string {
	var out []string
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\n') + 1
		if i == 0 {
			i = len(s)
		}
		out = append(out, string(s[:i]))
		s = s[i:]
	}
	return out
}

// op is one line of the edit script: ' ' kept, '-' removed, '+' added, with
// its line numbers in a and b (1-based, of the next line when absent).
type op struct {
	kind byte
	text string
	ai   int
	bi   int
}

// editScript is the LCS edit script from x to y.
func editScript(x, y []string) []op {
	if len(x)*len(y) > maxDiffCells {
		return replaceAll(x, y)
	}
	n, m := len(x), len(y)
	lcs := make([][]int32, n+1) // lcs[i][j]: LCS length of x[i:], y[j:]
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []op
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			ops = append(ops, op{' ', x[i], i + 1, j + 1})
			i, j = i+1, j+1
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', x[i], i + 1, j + 1})
			i++
		default:
			ops = append(ops, op{'+', y[j], i + 1, j + 1})
			j++
		}
	}
	return ops
}

func replaceAll(x, y []string) []op {
	ops := make([]op, 0, len(x)+len(y))
	for i, s := range x {
		ops = append(ops, op{'-', s, i + 1, 1})
	}
	for j, s := range y {
		ops = append(ops, op{'+', s, len(x) + 1, j + 1})
	}
	return ops
}

// hunks groups the changes with their context: [start, end) ranges of ops.
func hunks(ops []op) [][2]int {
	var out [][2]int
	for i := 0; i < len(ops); i++ {
		if ops[i].kind == ' ' {
			continue
		}
		start := max(0, i-diffContext)
		end := i
		for end < len(ops) && (ops[end].kind != ' ' || nextChangeWithin(ops, end, 2*diffContext)) {
			end++
		}
		end = min(len(ops), end+diffContext)
		if n := len(out); n > 0 && start <= out[n-1][1] {
			out[n-1][1] = end
		} else {
			out = append(out, [2]int{start, end})
		}
		i = end - 1
	}
	return out
}

// nextChangeWithin reports whether a change follows ops[i] within n lines.
func nextChangeWithin(ops []op, i, n int) bool {
	for k := i; k < len(ops) && k <= i+n; k++ {
		if ops[k].kind != ' ' {
			return true
		}
	}
	return false
}

func writeHunk(out *bytes.Buffer, ops []op) {
	na, nb := 0, 0
	for _, o := range ops {
		if o.kind != '+' {
			na++
		}
		if o.kind != '-' {
			nb++
		}
	}
	fmt.Fprintf(out, "@@ -%d,%d +%d,%d @@\n", ops[0].ai, na, ops[0].bi, nb)
	for _, o := range ops {
		out.WriteString(string(o.kind) + o.text)
		if !strings.HasSuffix(o.text, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}
