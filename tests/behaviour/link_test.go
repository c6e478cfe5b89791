package behaviour

import (
	"strings"
	"testing"
)

// TestReferenceCycleNamesPath: a cycle among sequences and one among named
// endpoints are refused alike (one linker, mediation/linkset), and both
// errors give the path, so the operator sees which files close it.
func TestReferenceCycleNamesPath(t *testing.T) {
	t.Parallel()
	ep := func(name, ref string) file {
		return file{Name: name + ".xml", Body: `<endpoint xmlns="http://ws.apache.org/ns/synapse" name="` + name +
			`"><failover><endpoint key="` + ref + `"/></failover></endpoint>` + "\n"}
	}
	seq := func(name, ref string) file {
		return file{Name: name + ".xml", Body: `<sequence xmlns="http://ws.apache.org/ns/synapse" name="` + name +
			`"><sequence key="` + ref + `"/></sequence>` + "\n"}
	}
	g := start(t, setup{APIs: []apiDef{api("Cycle", "/cycle")},
		Endpoints: []file{ep("epa", "epb"), ep("epb", "epa")},
		Files:     []file{seq("seqa", "seqb"), seq("seqb", "seqa")}})
	for _, want := range []string{"endpoint reference cycle: epb -> epa -> epb", "sequence reference cycle: seqb -> seqa -> seqb"} {
		if l := g.mustLog(t, want); l != "" && !strings.Contains(l, "refused") {
			t.Errorf("log line %s does not say refused", l)
		}
	}
}
