package linkset

import (
	"errors"
	"strings"
	"testing"
)

type item struct {
	name, file string
	refs       []string
}

var kind = Kind[item]{
	Noun: "thing",
	Name: func(x *item) string { return x.name },
	File: func(x *item) string { return x.file },
	Refs: func(x *item) []string { return x.refs },
	Fail: func(x *item, msg string) error { return errors.New(x.file + ": " + msg) },
}

// TestBuild: first claim wins, a cycle is refused with its path, a given
// error is kept (the item may still serve: the last good version), and a
// missing reference is no error.
func TestBuild(t *testing.T) {
	bad := errors.New("newest version refused")
	byName, names, reports := Build(kind, []Entry[item]{
		{Item: &item{"a", "a.xml", []string{"b"}}},
		{Item: &item{"b", "b.xml", []string{"c"}}},
		{Item: &item{"a", "a2.xml", nil}},
		{Item: &item{"c", "c.xml", []string{"a"}}},
		{Item: &item{"d", "d.xml", []string{"missing"}}, Err: bad},
		{Err: bad},
	})
	want := []struct {
		served bool
		err    string
	}{
		{true, ""}, {true, ""},
		{false, `a2.xml: thing "a" is already deployed from a.xml; refused from a2.xml`},
		{false, "c.xml: thing reference cycle: c -> a -> b -> c"},
		{true, bad.Error()}, {false, bad.Error()},
	}
	for i, w := range want {
		r := reports[i]
		if r.Served != w.served || (w.err == "") != (r.Err == nil) || (r.Err != nil && r.Err.Error() != w.err) {
			t.Errorf("entry %d: served %v err %v; want %v %q", i, r.Served, r.Err, w.served, w.err)
		}
	}
	if got := strings.Join(names, ","); got != "a,b,d" || byName["a"].file != "a.xml" {
		t.Errorf("names %s, a from %s", got, byName["a"].file)
	}
}
