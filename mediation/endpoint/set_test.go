package endpoint

import (
	"strings"
	"testing"
)

func TestCompileFile(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"ok", `<endpoint xmlns="http://ws.apache.org/ns/synapse" name="simple">
  <address uri="http://localhost:9000/services/SimpleStockQuoteService"/>
</endpoint>`, ""},
		{"no name", `<endpoint><address uri="http://h"/></endpoint>`, "ep.xml:1: <endpoint>: attribute name is required"},
		{"error has the line", "<endpoint name=\"x\">\n  <address uri=\"ftp://h\"/>\n</endpoint>", "ep.xml:2: <address>: uri:"},
		{"not an endpoint", `<sequence name="x"/>`, "root element must be <endpoint>"},
		{"broken xml", "<endpoint name=\"x\">\n<address>", "ep.xml:2: invalid xml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := CompileFile("ep.xml", []byte(tc.src))
			if tc.want == "" {
				if err != nil || n.Name != "simple" || n.Line != 1 {
					t.Fatalf("got %+v, %v", n, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestBuild(t *testing.T) {
	named := func(file, name string, refs ...string) *Named {
		return &Named{Name: name, File: file, Line: 1, Refs: refs, EP: &Ref{key: name}}
	}
	set, reports := Build([]Entry{
		{File: "a.xml", EP: named("a.xml", "a", "b")},
		{File: "b.xml", EP: named("b.xml", "b")},
		{File: "a2.xml", EP: named("a2.xml", "a")},
		{File: "c.xml", EP: named("c.xml", "c", "d")},
		{File: "d.xml", EP: named("d.xml", "d", "c")},
	})
	want := []struct {
		served bool
		err    string
	}{{true, ""}, {true, ""}, {false, `endpoint "a" is already deployed from a.xml; refused from a2.xml`}, {true, ""}, {false, "d.xml:1: <endpoint>: endpoint reference cycle: d -> c -> d"}}
	for i, w := range want {
		r := reports[i]
		if r.Served != w.served || (w.err == "") != (r.Err == nil) || (r.Err != nil && !strings.Contains(r.Err.Error(), w.err)) {
			t.Errorf("entry %d: served %v err %v; want %v %q", i, r.Served, r.Err, w.served, w.err)
		}
	}
	if got := strings.Join(set.Names(), ","); got != "a,b,c" {
		t.Errorf("names %s", got)
	}
	if set.Endpoint("zzz") != nil || set.Endpoint("a") == nil {
		t.Error("lookup")
	}
	var empty *Set
	if empty.Endpoint("a") != nil || empty.Names() != nil {
		t.Error("nil set is not empty")
	}
}
