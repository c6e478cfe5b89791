package sequences

import (
	"errors"
	"strings"
	"testing"
)

func TestBuild(t *testing.T) {
	compileErr := errors.New("x.xml:3: <bad>: unsupported mediator")
	tests := []struct {
		name     string
		srcs     []string // compiled in order as a.xml, b.xml, ...
		extra    []Entry  // appended after the compiled ones
		served   []bool
		errs     []string // substring per entry, "" for none
		warnings []int
		names    string
	}{
		{
			name:   "independent",
			srcs:   []string{`<sequence name="x"/>`, `<sequence name="y"><t.call key="x"/></sequence>`},
			served: []bool{true, true}, errs: []string{"", ""}, warnings: []int{0, 0}, names: "x,y",
		},
		{
			name:     "duplicate name: the later file is refused, naming both",
			srcs:     []string{`<sequence name="x"/>`, "\n<sequence name=\"x\"/>"},
			served:   []bool{true, false},
			errs:     []string{"", `b.xml:2: <sequence>: sequence "x" is already deployed from a.xml; refused from b.xml`},
			warnings: []int{0, 0}, names: "x",
		},
		{
			name:     "two-step cycle: the closing sequence is refused with the path",
			srcs:     []string{`<sequence name="a"><t.call key="b"/></sequence>`, `<sequence name="b"><t.call key="a"/></sequence>`},
			served:   []bool{true, false},
			errs:     []string{"", "b.xml:1: <sequence>: sequence reference cycle: b -> a -> b"},
			warnings: []int{1, 0}, names: "a",
		},
		{
			name:   "self reference",
			srcs:   []string{`<sequence name="a"><t.call key="a"/></sequence>`},
			served: []bool{false}, errs: []string{"cycle: a -> a"}, warnings: []int{0}, names: "",
		},
		{
			name: "three-step cycle through onError",
			srcs: []string{
				`<sequence name="a"><t.call key="b"/></sequence>`,
				`<sequence name="b" onError="c"/>`,
				`<sequence name="c"><t.call key="a"/></sequence>`,
			},
			served:   []bool{true, true, false},
			errs:     []string{"", "", "cycle: c -> a -> b -> c"},
			warnings: []int{0, 1, 0}, names: "a,b",
		},
		{
			name:   "missing reference is a warning",
			srcs:   []string{`<sequence name="a" onError="gone"><t.call key="nowhere"/><t.call key="nowhere"/></sequence>`},
			served: []bool{true}, errs: []string{""}, warnings: []int{2}, names: "a",
		},
		{
			name:   "compile error passes through, last good version still served",
			srcs:   []string{`<sequence name="a"/>`},
			extra:  []Entry{{File: "x.xml", Err: compileErr}, {File: "y.xml", Err: compileErr, Seq: &Sequence{Name: "old", File: "y.xml"}}},
			served: []bool{true, false, true}, errs: []string{"", "unsupported mediator", "unsupported mediator"},
			warnings: []int{0, 0, 0}, names: "a,old",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var entries []Entry
			for i, src := range tt.srcs {
				s, err := Compile(fileName(i), []byte(src))
				if err != nil {
					t.Fatal(err)
				}
				entries = append(entries, Entry{File: s.File, Seq: s})
			}
			entries = append(entries, tt.extra...)
			set, reports := Build(entries)
			for i, r := range reports {
				if r.Served != tt.served[i] {
					t.Errorf("entry %d served = %v", i, r.Served)
				}
				if got := errString(r.Err); (tt.errs[i] == "") != (got == "") || !strings.Contains(got, tt.errs[i]) {
					t.Errorf("entry %d error = %q, want %q", i, got, tt.errs[i])
				}
				if len(r.Warnings) != tt.warnings[i] {
					t.Errorf("entry %d warnings = %q, want %d", i, r.Warnings, tt.warnings[i])
				}
			}
			if got := strings.Join(set.Names(), ","); got != tt.names {
				t.Errorf("names = %q, want %q", got, tt.names)
			}
		})
	}
}

func TestSetLookup(t *testing.T) {
	set := mustSet(t, `<sequence name="a"/>`)
	if m := set.Sequence("missing"); m != nil {
		t.Errorf("Sequence(missing) = %#v, want a nil interface", m)
	}
	if set.Sequence("a") == nil || set.Get("a") == nil || set.Len() != 1 {
		t.Error("a not found")
	}
	var empty *Set
	if empty.Sequence("a") != nil || empty.Get("a") != nil || empty.Len() != 0 || empty.Names() != nil {
		t.Error("nil Set is not empty")
	}
}

// TestDefaultsCompile: the built-in key-type error sequences compile, are
// found by Get under names no file claims (without being listed), and call
// fault only when the tenant has one.
func TestDefaultsCompile(t *testing.T) {
	if _, err := defaults(); err != nil {
		t.Fatal(err)
	}
	empty, _ := Build(nil)
	for _, set := range []*Set{nil, empty} {
		for _, name := range []string{SandboxKeyError, ProductionKeyError} {
			seq := set.Get(name)
			if seq == nil {
				t.Fatalf("%s not there by default", name)
			}
			if len(seq.edges()) != 0 {
				t.Errorf("%s without a fault sequence references %v", name, seq.edges())
			}
		}
		if set.Len() != 0 || len(set.Names()) != 0 {
			t.Errorf("built-in sequences listed: %v", set.Names())
		}
	}
	if !empty.ReadsBody(SandboxKeyError) {
		t.Errorf("the built-in _sandbox_key_error_ writes the payload; ReadsBody is false")
	}
	fault, err := Compile("fault.xml", []byte(`<sequence xmlns="http://ws.apache.org/ns/synapse" name="fault"><drop/></sequence>`))
	if err != nil {
		t.Fatal(err)
	}
	own, err := Compile("own.xml", []byte(`<sequence xmlns="http://ws.apache.org/ns/synapse" name="_sandbox_key_error_"><drop/></sequence>`))
	if err != nil {
		t.Fatal(err)
	}
	caller, err := Compile("caller.xml", []byte(`<sequence xmlns="http://ws.apache.org/ns/synapse" name="caller"><sequence key="_production_key_error_"/></sequence>`))
	if err != nil {
		t.Fatal(err)
	}
	set, reports := Build([]Entry{{File: "fault.xml", Seq: fault}, {File: "own.xml", Seq: own}, {File: "caller.xml", Seq: caller}})
	for i, r := range reports {
		if r.Err != nil || !r.Served || len(r.Warnings) != 0 {
			t.Errorf("entry %d: %+v", i, r)
		}
	}
	if set.Get(SandboxKeyError) != own {
		t.Errorf("the tenant's own _sandbox_key_error_ did not win")
	}
	if e := set.Get(ProductionKeyError).edges(); len(e) != 1 || e[0] != FaultSequence {
		t.Errorf("with a fault deployed, _production_key_error_ references %v; want [fault]", e)
	}
}
