package bundle

import (
	"errors"
	"testing"
	"time"
)

// FuzzRead feeds arbitrary bytes to the bundle reader, which faces
// uploads from the admin API and files dropped into the bundles folder:
// it must never panic, never return both a bundle and an error, and
// every refusal must be one of the package's error kinds (so the admin
// API maps it to a status).
func FuzzRead(f *testing.F) {
	f.Add(simple(&testing.T{}, "seed"))
	f.Add(makeZip(&testing.T{}, manifest("m", nil, Entry{File: "sequences/a.xml"}), member{"sequences/a.xml", seqXML("a")}))
	f.Add(makeZip(&testing.T{}, member{"sequences/../../evil.xml", seqXML("evil")}))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	lim := Limits{MaxZipBytes: 1 << 20, MaxTotalBytes: 4 << 20, MaxRatio: 100, MaxEntries: 50}
	f.Fuzz(func(t *testing.T, data []byte) {
		var (
			b    *Bundle
			err  error
			done = make(chan struct{})
		)
		go func() { b, err = Read(data, lim); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Read did not return within 5 s on %d bytes", len(data))
		}
		if err != nil {
			if b != nil {
				t.Fatalf("Read returned a bundle and an error: %v", err)
			}
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("refusal %q is neither ErrInvalid nor ErrTooLarge", err)
			}
			return
		}
		if b.Manifest.Name == "" {
			t.Fatal("accepted bundle without a name")
		}
	})
}
