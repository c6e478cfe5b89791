package mediation

import "strings"

// Levenshtein is the edit distance between a and b (insertions, deletions
// and substitutions of single bytes). It is the one copy shared by every
// "did you mean" in seqgate: unknown config keys (deploy/config), near-miss
// sequence names (sequences) and unknown mediators (Compiler.Mediator).
// Inputs are element, key and sequence names, so bytes are good enough.
func Levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// suggestMediator is the registered mediator name nearest to tag, if near
// enough to be a typo (at most 2 edits, and fewer than half the name), so
// <propery> suggests <property> but <iterate> suggests nothing.
func suggestMediator(tag string) string {
	best, bestD := "", 3
	for _, k := range Registered() { // sorted: ties resolve the same way every time
		if d := Levenshtein(strings.ToLower(tag), strings.ToLower(k)); d < bestD && d*2 < len(k) {
			best, bestD = k, d
		}
	}
	return best
}
