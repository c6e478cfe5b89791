package main

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// changeToServe rewrites the measured tenant's API Out sequence `changes`
// times, each time with X-Gen: i, and polls with requests until a response
// carries i. It returns the sorted latencies, write start to first response
// showing the change.
func changeToServe(c *client, root string, tenant, changes int, poll, limit time.Duration) ([]time.Duration, error) {
	path := outFile(root, tenant)
	lat := make([]time.Duration, 0, changes)
	for i := 1; i <= changes; i++ {
		want := strconv.Itoa(i)
		start := time.Now()
		if err := replaceFile(path, apiOutXML(tenant, i)); err != nil {
			return nil, err
		}
		for {
			code, gen, err := c.once()
			if err == nil && code == 200 && gen == want {
				lat = append(lat, time.Since(start))
				break
			}
			if time.Since(start) > limit {
				return nil, fmt.Errorf("change %d not served within %s (last: status %d, %s %q, err %v)", i, limit, code, genHeader, gen, err)
			}
			time.Sleep(poll)
		}
		// Let the watcher settle so that each change is its own reload.
		time.Sleep(20 * time.Millisecond)
	}
	slices.Sort(lat)
	return lat, nil
}

// percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
