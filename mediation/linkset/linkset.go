// Package linkset links named items that reference each other by name (a
// tenant's sequences, its named endpoints) into one set: the first claim on
// a name wins, and an item whose references would close a cycle is refused
// with the path. Both kinds share it so their rules cannot drift.
package linkset

import (
	"fmt"
	"sort"
	"strings"
)

// Kind tells Build how to read one kind of item.
type Kind[T any] struct {
	Noun string                       // "sequence", "endpoint": starts the refusal messages
	Name func(*T) string              // the name it is deployed under
	File func(*T) string              // where it came from
	Refs func(*T) []string            // the names it references statically
	Fail func(x *T, msg string) error // the refusal error, placed at x (its file and line)
}

// Entry is one item offered to Build, in deploy order. Item is the version
// to serve (nil: none); Err, when set, is why the file's current content was
// refused, and Item may then be the previous version kept serving.
type Entry[T any] struct {
	Item *T
	Err  error
}

// Report is Build's verdict on one Entry.
type Report struct {
	Served bool  // the entry's Item is in the set
	Err    error // the entry's Err, or why Item was refused (duplicate, cycle)
}

// Build links entries into a map by name and returns its sorted names and
// one Report per entry (same index). Entries are taken in order: a name
// already claimed by an earlier entry refuses the later one with an error
// naming both files, and an item whose references would close a cycle is
// refused with the path ("a -> b -> a"). References to names not in the
// set are not errors: both kinds resolve them at run time.
func Build[T any](k Kind[T], entries []Entry[T]) (map[string]*T, []string, []Report) {
	reports := make([]Report, len(entries))
	byName := make(map[string]*T, len(entries))
	for i, e := range entries {
		reports[i].Err = e.Err
		if e.Item == nil {
			continue
		}
		if err := k.admit(byName, e.Item); err != nil {
			if reports[i].Err == nil {
				reports[i].Err = err
			}
			continue
		}
		reports[i].Served = true
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return byName, names, reports
}

// admit adds x unless its name is taken or it closes a reference cycle.
func (k Kind[T]) admit(byName map[string]*T, x *T) error {
	name := k.Name(x)
	if prev, dup := byName[name]; dup {
		return k.Fail(x, fmt.Sprintf("%s %q is already deployed from %s; refused from %s", k.Noun, name, k.File(prev), k.File(x)))
	}
	for _, ref := range k.Refs(x) {
		if path := k.pathTo(byName, ref, name, map[string]bool{}); path != nil {
			return k.Fail(x, k.Noun+" reference cycle: "+name+" -> "+strings.Join(path, " -> "))
		}
	}
	byName[name] = x
	return nil
}

// pathTo returns the reference path from "from" to "to" through admitted
// items (from first, to last), or nil when there is none.
func (k Kind[T]) pathTo(byName map[string]*T, from, to string, seen map[string]bool) []string {
	if from == to {
		return []string{to}
	}
	if seen[from] {
		return nil
	}
	seen[from] = true
	x := byName[from]
	if x == nil {
		return nil
	}
	for _, next := range k.Refs(x) {
		if p := k.pathTo(byName, next, to, seen); p != nil {
			return append([]string{from}, p...)
		}
	}
	return nil
}
