package sequences

import (
	"fmt"
	"sort"
	"strings"

	"github.com/seqgate/seqgate/mediation"
)

// NameWarnings finds the silent traps of the naming convention: a
// sequence named like a global or per-API extension sequence that no API
// will ever run, because its name is a near miss of a real one
// (admin--Weather:1.0.0--Out for admin--Weather:v1.0.0--Out) or names no
// declared API at all. Such a sequence deploys and shows active, and never
// runs. apis are the Synapse names (APIName) of the tenant's APIs. One
// message per suspicious name, sorted; nil when all is well.
func NameWarnings(names, apis []string) []string {
	expected := map[string]bool{GlobalName(mediation.In): true, GlobalName(mediation.Out): true}
	for _, a := range apis {
		for _, suf := range []string{"--In", "--Out", FaultSuffix} {
			expected[a+suf] = true
		}
	}
	var out []string
	for _, n := range names {
		if expected[n] || !looksExtension(n) {
			continue
		}
		if near := nearest(n, expected); near != "" {
			out = append(out, fmt.Sprintf("sequence %s: near miss of %s; as named it never runs", n, near))
		} else {
			out = append(out, fmt.Sprintf("sequence %s: named like an extension sequence but matches no declared API; it never runs", n))
		}
	}
	sort.Strings(out)
	return out
}

// looksExtension: WSO2AM--Ext--<anything>, or <a>--<b>--In|Out|Fault in any
// letter case.
func looksExtension(n string) bool {
	l := strings.ToLower(n)
	if strings.HasPrefix(l, strings.ToLower(GlobalPrefix)) {
		return true
	}
	i := strings.LastIndex(l, "--")
	if i <= 0 || !strings.Contains(l[:i], "--") {
		return false
	}
	switch l[i+2:] {
	case "in", "out", "fault":
		return true
	}
	return false
}

// nearest is the expected name closest to n (ignoring letter case), if
// within a few edits.
func nearest(n string, expected map[string]bool) string {
	best, bestD := "", 4
	keys := make([]string, 0, len(expected))
	for e := range expected {
		keys = append(keys, e)
	}
	sort.Strings(keys) // ties resolve the same way every time
	for _, e := range keys {
		if d := mediation.Levenshtein(strings.ToLower(n), strings.ToLower(e)); d < bestD {
			best, bestD = e, d
		}
	}
	return best
}

// MisnamedExtension checks a name shaped like an extension sequence's
// without knowing the APIs (lint has no config): the per-API version must
// be written :v<version> and the direction In, Out or Fault exactly; a
// global one is WSO2AM--Ext--In or --Out. It returns the name meant, or ""
// when the name is well formed or not extension-like.
func MisnamedExtension(n string) string {
	if !looksExtension(n) {
		return ""
	}
	i := strings.LastIndex(n, "--")
	api, dir := n[:i], n[i+2:]
	for _, d := range []string{"In", "Out", "Fault"} {
		if strings.EqualFold(dir, d) {
			dir = d
		}
	}
	if strings.EqualFold(api+"--", GlobalPrefix) {
		api = strings.TrimSuffix(GlobalPrefix, "--")
	} else if c := strings.LastIndex(api, ":"); c > strings.LastIndex(api, "--") && c+1 < len(api) && api[c+1] != 'v' {
		if api[c+1] == 'V' {
			api = api[:c+1] + "v" + api[c+2:]
		} else {
			api = api[:c+1] + "v" + api[c+1:]
		}
	}
	if want := api + "--" + dir; want != n {
		return want
	}
	return ""
}
