package sequences

import (
	"fmt"
	"testing"
)

func BenchmarkSetLookup(b *testing.B) {
	var entries []Entry
	for i := range 50 {
		s, err := Compile(fmt.Sprintf("s%d.xml", i), fmt.Appendf(nil, `<sequence name="admin--API%d:v1.0.0--In"/>`, i))
		if err != nil {
			b.Fatal(err)
		}
		entries = append(entries, Entry{File: s.File, Seq: s})
	}
	s, _ := Compile("g.xml", []byte(`<sequence name="WSO2AM--Ext--In"/>`))
	set, _ := Build(append(entries, Entry{File: "g.xml", Seq: s}))
	b.ReportAllocs()
	for b.Loop() {
		if set.Sequence("WSO2AM--Ext--In") == nil || set.Sequence("admin--API7:v1.0.0--Out") != nil {
			b.Fatal("lookup")
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	src := []byte(`<sequence xmlns="http://ws.apache.org/ns/synapse" name="WSO2AM--Ext--In" onError="f">
  <t.mark name="a" value="1"/><t.block><t.call key="c"/><t.mark name="b" value="2"/></t.block>
</sequence>`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile("b.xml", src); err != nil {
			b.Fatal(err)
		}
	}
}
