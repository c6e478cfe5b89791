package e2e

import (
	"net"
	"os"
	"path/filepath"
	"testing"
)

// corpusSeq returns the content of a file of the shared Synapse corpus
// (<repo>/../shared/conformance/synapse), unchanged. The fault tests drop
// API-M's own error sequences into a tenant folder, so a missing corpus
// fails them: it is a broken checkout, not a reason to skip.
func corpusSeq(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
	path := filepath.Join(filepath.Dir(dir), "shared", "conformance", "synapse", name)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("conformance corpus file missing: %v; check out the shared folder next to the repository", err)
	}
	return string(b)
}

// corpusFiles turns corpus file names into seqFiles for tenant, keeping
// each file's name.
func corpusFiles(t *testing.T, tenant int, names ...string) []seqFile {
	t.Helper()
	out := make([]seqFile, 0, len(names))
	for _, n := range names {
		out = append(out, seqFile{tenant, n, corpusSeq(t, n)})
	}
	return out
}

// silentServer accepts connections and never answers, so a call to it
// times out.
func silentServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				close(done)
				return
			}
			conns = append(conns, c) // held open, never read
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}
