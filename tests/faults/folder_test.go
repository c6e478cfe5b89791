package faults

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/testbin"
)

// TestFolderUnreadable: the super tenant's sequences folder stops being
// readable (chmod 000; as root, which ignores permissions, the folder is
// swapped for a file of the same name). The gateway logs it and keeps
// serving the last good set; once the folder is back, it is rescanned.
func TestFolderUnreadable(t *testing.T) {
	g := startGateway(t, nil, true)
	g.untouched()
	restore := breakFolder(t, g.superDir)
	g.logged("cannot read sequences folder; keeping the deployed sequences")
	g.untouched()
	st := g.status("carbon.super")
	if f, ok := st.file("echo_in.xml"); !st.Loaded || !ok || f.State != "active" {
		t.Errorf("super tenant status while unreadable: %+v, want the last good set", st)
	}
	if !strings.Contains(st.Error, "sequences folder unreadable") {
		t.Errorf("super tenant status error while unreadable: %q, want it named", st.Error)
	}
	restore(func(dir string) { writeFile(t, filepath.Join(dir, "echo_in.xml"), seqXML("Echo", "restored")) })
	g.eventually(2*time.Second, "sequences after restore", func() bool {
		_, _, body := g.get("/echo/v1/x")
		return body == "seq=restored"
	})
	g.expect("/t/acme.com/acme/v1/x", "seq=acme")
	if st := g.status("carbon.super"); st.Error != "" {
		t.Errorf("status error after restore: %q, want none", st.Error)
	}
}

// breakFolder makes dir unreadable as a folder and returns how to restore
// it (edit runs on its content first, while it is not in place).
func breakFolder(t *testing.T, dir string) func(edit func(dir string)) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
		return func(edit func(string)) {
			if err := os.Chmod(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			edit(dir)
		}
	}
	aside := dir + ".aside"
	if err := os.Rename(dir, aside); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "not a folder")
	return func(edit func(string)) {
		edit(aside)
		if err := os.Remove(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(aside, dir); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFolderRecreated: the folder deleted (its sequences undeployed) and
// recreated with files deploys them again within about a second.
func TestFolderRecreated(t *testing.T) {
	g := startGateway(t, nil, true)
	g.untouched()
	if err := os.RemoveAll(g.superDir); err != nil {
		t.Fatal(err)
	}
	g.logged("sequence undeployed")
	g.eventually(2*time.Second, "sequence undeployed from the folder", func() bool {
		_, _, body := g.get("/echo/v1/x")
		return body == "seq="
	})
	g.expect("/t/acme.com/acme/v1/x", "seq=acme")
	mkdir(t, g.superDir)
	writeFile(t, filepath.Join(g.superDir, "echo_in.xml"), seqXML("Echo", "super"))
	took := g.eventually(1500*time.Millisecond, "sequences back", func() bool {
		_, _, body := g.get("/echo/v1/x")
		return body == "seq=super"
	})
	t.Logf("sequences back %v after the folder was recreated", took)
	g.untouched()
	if f, ok := g.status("carbon.super").file("echo_in.xml"); !ok || f.State != "active" {
		t.Errorf("status of echo_in.xml: %+v", f)
	}
}

// TestBadFiles: a 100 MB file and a symlink loop are refused with a log
// line and a status; the other files stay active, memory stays bounded.
func TestBadFiles(t *testing.T) {
	cases := []struct {
		name, file, err string
		drop            func(t *testing.T, dir string)
	}{
		{"100 MB file", "big.xml", "larger than the 4194304-byte limit", func(t *testing.T, dir string) {
			f, err := os.Create(filepath.Join(dir, "big.xml"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(100 << 20); err != nil {
				t.Fatal(err)
			}
		}},
		{"symlink loop", "a.xml", "too many levels of symbolic links", func(t *testing.T, dir string) {
			if err := os.Symlink("b.xml", filepath.Join(dir, "a.xml")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("a.xml", filepath.Join(dir, "b.xml")); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := startGateway(t, nil, true)
			g.untouched()
			c.drop(t, g.superDir)
			g.logged(`"sequence refused"`)
			g.eventually(2*time.Second, c.file+" refused in status", func() bool {
				f, ok := g.status("carbon.super").file(c.file)
				return ok && f.State == "refused" && strings.Contains(f.Error, c.err)
			})
			if !strings.Contains(g.stderr.String(), c.err) {
				t.Errorf("no log line with %q", c.err)
			}
			if f, _ := g.status("carbon.super").file("echo_in.xml"); f.State != "active" {
				t.Errorf("echo_in.xml: %+v, want active", f)
			}
			g.untouched()
			if rss, bound := g.rss(), testbin.RSSBound(64<<20); rss > bound {
				t.Errorf("VmRSS %d MiB, bound %d MiB (the file is 100 MiB)", rss>>20, bound>>20)
			}
		})
	}
}
