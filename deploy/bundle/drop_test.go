package bundle

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDropFolder: a zip dropped into <root>/bundles is installed and
// deleted; a bad one is renamed .rejected with the reason in .error, and
// nothing else is written.
func TestDropFolder(t *testing.T) {
	f := newFixture(t, "default", Limits{})
	f.m.Start()
	drops := filepath.Join(f.root, "bundles")

	writeFile(t, filepath.Join(drops, "good.zip"), string(simple(t, "good")))
	waitFor(t, "dropped bundle installed", func() bool {
		_, err := f.m.Get("good")
		return err == nil
	})
	waitFor(t, "dropped zip deleted", func() bool {
		_, err := os.Stat(filepath.Join(drops, "good.zip"))
		return errors.Is(err, os.ErrNotExist)
	})
	if in, _ := f.m.Get("good"); in.Source != "drop" || in.Entries[0].State != StateApplied {
		t.Fatalf("installed from the drop folder: %+v", in)
	}

	before := snapshot(t, filepath.Join(f.root, "repository"))
	bad := makeZip(t, manifest("bad", nil, Entry{File: "sequences/../x.xml"}), member{"sequences/x.xml", seqXML("X")})
	writeFile(t, filepath.Join(drops, "bad.zip"), string(bad))
	waitFor(t, "bad zip rejected", func() bool {
		_, err := os.Stat(filepath.Join(drops, "bad.zip.rejected"))
		return err == nil
	})
	msg, err := os.ReadFile(filepath.Join(drops, "bad.zip.error"))
	if err != nil || !strings.Contains(string(msg), `"sequences/../x.xml": not a clean path`) {
		t.Fatalf("bad.zip.error = %q, %v", msg, err)
	}
	if _, err := f.m.Get("bad"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("refused bundle installed: %v", err)
	}
	if after := snapshot(t, filepath.Join(f.root, "repository")); len(after) != len(before) {
		t.Fatalf("a refused drop wrote to the repository")
	}
}
