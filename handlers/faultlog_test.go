package handlers

import (
	"fmt"
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
