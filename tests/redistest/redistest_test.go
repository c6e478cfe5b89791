package redistest

import "testing"

func TestStartStopStart(t *testing.T) {
	s := Start(t)
	if err := Ping(s.Addr); err != nil {
		t.Fatalf("ping after start: %v", err)
	}
	s.Stop()
	if err := Ping(s.Addr); err == nil {
		t.Fatal("ping answered after Stop")
	}
	if err := s.Start(); err != nil {
		t.Fatalf("restart: %v", err)
	}
	if err := Ping(s.Addr); err != nil {
		t.Fatalf("ping after restart: %v", err)
	}
}
