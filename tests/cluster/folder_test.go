package cluster

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// allServingWithin bounds one change's time from the rename to the last
// node serving it: a node alone serves a change in about the debounce
// interval plus fsnotify delivery, and e2e allows 1.5 s for one node.
const allServingWithin = 1500 * time.Millisecond

// globalIn is the global In sequence setting the backend request's
// X-Cluster header to value.
func globalIn(value string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<sequence xmlns="http://ws.apache.org/ns/synapse" name="WSO2AM--Ext--In">
  <property name="X-Cluster" scope="transport" value="` + value + `"/>
</sequence>
`
}

// TestSharedFolder: three nodes on one repository folder. A sequence
// written there (atomically, by rename) is served by every node, each
// picking the change up with its own watcher; deleting it stops it on
// every node. The time from the rename to the last node serving the change
// is measured over 20 changes.
func TestSharedFolder(t *testing.T) {
	const changes = 20
	c := startCluster(t, opts{})
	staging := t.TempDir() // same file system as the repository: rename is atomic
	target := filepath.Join(c.superDir, "global_in.xml")

	var all, spread []time.Duration
	for i := range changes {
		v := fmt.Sprintf("v%d", i+1)
		tmp := filepath.Join(staging, "global_in.xml")
		writeFile(t, tmp, globalIn(v))
		start := time.Now()
		if err := os.Rename(tmp, target); err != nil {
			t.Fatal(err)
		}
		per := c.untilServing(t, v, start)
		all = append(all, slices.Max(per))
		spread = append(spread, slices.Max(per)-slices.Min(per))
	}
	t.Logf("change to all %d nodes serving, over %d changes: %s; first-to-last node spread: %s",
		nodeCount, changes, summary(all), summary(spread))
	for i, d := range all {
		if d > allServingWithin {
			t.Errorf("change %d took %v to be served by every node, want under %v", i+1, d, allServingWithin)
		}
	}

	start := time.Now()
	if err := os.Remove(target); err != nil {
		t.Fatal(err)
	}
	per := c.untilServing(t, "", start)
	t.Logf("delete to no node serving the sequence: %v", slices.Max(per).Round(time.Millisecond))
}

// untilServing probes every node concurrently until each one's backend
// request carries X-Cluster: want ("" for none), and returns each node's
// time since start.
func (c *cluster) untilServing(t *testing.T, want string, start time.Time) []time.Duration {
	t.Helper()
	took := make([]time.Duration, nodeCount)
	failed := make([]string, nodeCount)
	var wg sync.WaitGroup
	for i, n := range c.nodes {
		wg.Go(func() {
			deadline := start.Add(5 * time.Second)
			last := "no answer"
			for time.Now().Before(deadline) {
				a := n.get("/free/v1/x")
				if a.err == nil && a.status == 200 && a.header.Get("Echo-X-Cluster") == want {
					took[i] = time.Since(start)
					return
				}
				last = describe(a) + " X-Cluster=" + fmt.Sprintf("%q", a.header.Get("Echo-X-Cluster"))
				time.Sleep(2 * time.Millisecond)
			}
			failed[i] = fmt.Sprintf("%s did not serve X-Cluster=%q within 5s; last: %s", n.name, want, last)
		})
	}
	wg.Wait()
	for _, f := range failed {
		if f != "" {
			t.Fatalf("%s\n%s", f, c.logs())
		}
	}
	return took
}

// summary is "median M, p90 P, max X" of ds.
func summary(ds []time.Duration) string {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[int(q*float64(len(s)-1))].Round(100 * time.Microsecond) }
	return fmt.Sprintf("median %v, p90 %v, max %v", at(0.5), at(0.9), s[len(s)-1].Round(100*time.Microsecond))
}
