package behaviour

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// corpusDir is ../shared/conformance/synapse seen from the repository root
// (two levels up from this package).
func corpusDir() string {
	return filepath.Join("..", "..", "..", "shared", "conformance", "synapse")
}

// corpus returns a corpus file's bytes, unchanged. A missing file is a
// failure, never a skip: the yardstick must be there.
func corpus(t *testing.T, name string) file {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir(), name))
	if err != nil {
		t.Fatalf("corpus file %s is missing (want it in <repo>/../shared/conformance/synapse/): %v", name, err)
	}
	return file{Name: name, Body: string(b)}
}

// documentedRE finds the file of each SOURCES.md row marked DOCUMENTED.
var documentedRE = regexp.MustCompile("(?m)^\\| *\\d+ *\\| *`([^`]+)`.*\\| *DOCUMENTED")

// documented lists the corpus files SOURCES.md documents a behaviour for.
func documented() ([]string, error) {
	b, err := os.ReadFile(filepath.Join(corpusDir(), "SOURCES.md"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range documentedRE.FindAllSubmatch(b, -1) {
		out = append(out, string(m[1]))
	}
	return out, nil
}

// outcome of one documented behaviour's subtest.
type outcome string

const (
	reproduced outcome = "reproduced"
	refusedOK  outcome = "refused-on-purpose"
	failing    outcome = "failing"
	waiting    outcome = "skipped (waiting for fault handling)"
)

var tally struct {
	mu  sync.Mutex
	got map[string]outcome
}

// behaviour marks t as the test of file's documented behaviour; refusal says
// the expected result is a deliberate deploy refusal. The outcome is recorded
// when t ends.
func behaviour(t *testing.T, name string, refusal bool) {
	t.Cleanup(func() {
		o := reproduced
		switch {
		case t.Failed():
			o = failing
		case t.Skipped():
			o = waiting
		case refusal:
			o = refusedOK
		}
		tally.mu.Lock()
		defer tally.mu.Unlock()
		if tally.got == nil {
			tally.got = map[string]outcome{}
		}
		tally.got[name] = o
	})
}

// printTally prints the counts over SOURCES.md's documented behaviours; a
// documented file no test covered is listed as not tested.
func printTally() {
	docs, err := documented()
	if err != nil {
		fmt.Println("behaviour tally: reading SOURCES.md:", err)
		return
	}
	tally.mu.Lock()
	defer tally.mu.Unlock()
	if len(tally.got) == 0 {
		return // -run selected none of them
	}
	count := map[outcome]int{}
	var lines []string
	for _, d := range docs {
		o, ok := tally.got[d]
		if !ok {
			o = "not tested"
		}
		count[o]++
		if o != reproduced {
			lines = append(lines, fmt.Sprintf("  %-50s %s", d, o))
		}
	}
	sort.Strings(lines)
	fmt.Printf("behaviour tally: documented behaviours %d, reproduced %d, refused-on-purpose %d, failing %d, waiting %d, not tested %d\n",
		len(docs), count[reproduced], count[refusedOK], count[failing], count[waiting], count["not tested"])
	if len(lines) > 0 {
		fmt.Println(strings.Join(lines, "\n"))
	}
}

// wrap is a sequence of our own (not from the corpus) in the Synapse
// namespace, used to reference a corpus sequence whose name cannot be an
// extension sequence's.
func wrap(name string, mediators ...string) file {
	return file{Name: "wrap_" + strings.NewReplacer(":", "_", "-", "_").Replace(name) + ".xml", Body: `<sequence xmlns="http://ws.apache.org/ns/synapse" name="` + name + `">` + "\n" +
		strings.Join(mediators, "\n") + "\n</sequence>\n"}
}

// endpointFile is a named endpoint file for the endpoints folder.
func endpointFile(name, uri string) file {
	return file{Name: name + ".xml", Body: `<endpoint xmlns="http://ws.apache.org/ns/synapse" name="` + name + `"><address uri="` + uri + `"/></endpoint>` + "\n"}
}
