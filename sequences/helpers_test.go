package sequences

import (
	"testing"

	"github.com/seqgate/seqgate/mediation"
	"github.com/valyala/fasthttp"
)

// mustSet compiles the given sources (file name -> XML, taken in the order
// given) and builds a Set, failing the test on any problem.
func mustSet(t testing.TB, srcs ...string) *Set {
	t.Helper()
	var entries []Entry
	for i, src := range srcs {
		s, err := Compile(fileName(i), []byte(src))
		if err != nil {
			t.Fatalf("Compile: %v", err)
		}
		entries = append(entries, Entry{File: s.File, Seq: s})
	}
	set, reports := Build(entries)
	for i, r := range reports {
		if r.Err != nil {
			t.Fatalf("entry %d refused: %v", i, r.Err)
		}
	}
	return set
}

func fileName(i int) string { return string(rune('a'+i)) + ".xml" }

func newMC(seqs mediation.SequenceLookup) *mediation.MessageContext {
	mc := &mediation.MessageContext{}
	mc.Reset(&fasthttp.Request{}, &fasthttp.Response{})
	mc.Sequences = seqs
	return mc
}
