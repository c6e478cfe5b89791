package sequences_test

import (
	"fmt"

	"github.com/seqgate/seqgate/sequences"
)

// A file that fails to compile reports file:line; Build links the rest and
// refuses a second claim on a name, naming both files.
func ExampleBuild() {
	var entries []sequences.Entry
	for _, f := range []struct{ file, src string }{
		{"global_ext.xml", `<sequence name="WSO2AM--Ext--In" onError="fault"/>`},
		{"copy.xml", `<sequence name="WSO2AM--Ext--In"/>`},
		{"broken.xml", "<sequence name=\"x\">\n  <nosuch/>\n</sequence>"},
	} {
		seq, err := sequences.Compile(f.file, []byte(f.src))
		entries = append(entries, sequences.Entry{File: f.file, Seq: seq, Err: err})
	}
	set, reports := sequences.Build(entries)
	fmt.Println(set.Names())
	for _, r := range reports {
		fmt.Println(r.Served, r.Err, r.Warnings)
	}
	// Output:
	// [WSO2AM--Ext--In]
	// true <nil> [global_ext.xml:1: <sequence>: "WSO2AM--Ext--In" references sequence "fault", which is not deployed (resolved at run time)]
	// false copy.xml:1: <sequence>: sequence "WSO2AM--Ext--In" is already deployed from global_ext.xml; refused from copy.xml []
	// false broken.xml:2: <nosuch>: unsupported mediator []
}
