package handlers

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestFaultLogRing(t *testing.T) {
	l := NewFaultLog(3)
	if got := l.Recent(); len(got) != 0 {
		t.Fatalf("empty log: %v", got)
	}
	for i := 1; i <= 5; i++ {
		l.Add(FaultRecord{Status: 500 + i, Path: fmt.Sprint(i)})
	}
	got := l.Recent()
	if len(got) != 3 || got[0].Path != "5" || got[1].Path != "4" || got[2].Path != "3" {
		t.Errorf("after 5 adds to a ring of 3: %+v, want 5, 4, 3", got)
	}
}

// TestFaultLogConcurrent: requests add while the console reads; each
// record stays whole (its fields from one request) under -race.
func TestFaultLogConcurrent(t *testing.T) {
	l := NewFaultLog(50)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				l.Add(FaultRecord{Status: 500 + w, Path: fmt.Sprintf("/w%d/%d", w, i)})
			}
		}(w)
	}
	for r := 0; r < 50; r++ {
		for _, rec := range l.Recent() {
			if want := fmt.Sprintf("/w%d/", rec.Status-500); !strings.HasPrefix(rec.Path, want) {
				t.Fatalf("record mixes two requests: %+v", rec)
			}
		}
	}
	wg.Wait()
	if got := l.Recent(); len(got) != 50 {
		t.Errorf("%d records after 4,800 adds to a ring of 50", len(got))
	}
}
