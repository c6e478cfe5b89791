package sequences

import (
	"strings"
	"testing"
)

// FuzzCompile: any input gives a sequence or an error, never a panic or a
// hang (the depth limit bounds recursion in the compiler).
func FuzzCompile(f *testing.F) {
	seeds := []string{
		`<sequence xmlns="http://ws.apache.org/ns/synapse" name="WSO2AM--Ext--In"><t.mark name="a" value="1"/></sequence>`,
		`<sequence name="s" onError="f"><t.block><t.call key="x"/><t.body/></t.block></sequence>`,
		`<?xml version="1.0"?><!-- c --><sequence name="s" trace="disable"><description>d</description></sequence>`,
		`<sequence name="s"><t.mark name="a"`,
		`<sequence name="s"><t.block><t.block></t.block>`,
		`<!DOCTYPE s [<!ENTITY a "x">]><sequence name="&a;"/>`,
		`<sequence name="s">` + strings.Repeat("<t.block>", 300) + strings.Repeat("</t.block>", 300) + `</sequence>`,
		"", "\x00", "<", "<sequence",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Compile("fuzz.xml", data)
		if (s == nil) == (err == nil) {
			t.Fatalf("Compile returned seq=%v err=%v", s, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "fuzz.xml") {
			t.Fatalf("error without file: %v", err)
		}
		if s != nil && s.Name == "" {
			t.Fatal("sequence without a name")
		}
	})
}
