package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seqgate/seqgate/deploy/config"
)

// member is one file of a crafted zip.
type member struct {
	name, body string
}

func makeZip(t *testing.T, members ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		w, err := zw.Create(m.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(m.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// manifest is manifest.json for a bundle with entries.
func manifest(name string, groups []string, entries ...Entry) member {
	data, _ := json.Marshal(Manifest{Name: name, Version: "1.0.0", Author: "tests", Groups: groups, Entries: entries})
	return member{"manifest.json", string(data)}
}

func seqXML(name string) string {
	return `<sequence xmlns="http://ws.apache.org/ns/synapse" name="` + name + `"><property name="X-Bundle" scope="transport" value="` + name + `"/></sequence>`
}

func epXML(name string) string {
	return `<endpoint xmlns="http://ws.apache.org/ns/synapse" name="` + name + `"><address uri="http://127.0.0.1:9/"/></endpoint>`
}

// simple is a valid bundle: one immediate sequence, one deferred
// sequence and one immediate endpoint.
func simple(t *testing.T, name string, groups ...string) []byte {
	return makeZip(t,
		manifest(name, groups,
			Entry{File: "sequences/" + name + "_now.xml"},
			Entry{File: "sequences/" + name + "_later.xml", Deploy: DeployDeferred},
			Entry{File: "endpoints/" + name + "_ep.xml"}),
		member{"sequences/" + name + "_now.xml", seqXML(name + "Now")},
		member{"sequences/" + name + "_later.xml", seqXML(name + "Later")},
		member{"endpoints/" + name + "_ep.xml", epXML(name + "EP")})
}

// fixture is a repository root with the super tenant and t1.com, and a
// Manager on it in group "default".
type fixture struct {
	root          string
	seqDir, epDir string
	m             *Manager
}

func newFixture(t *testing.T, group string, lim Limits) *fixture {
	t.Helper()
	root := t.TempDir()
	base := filepath.Join(root, "repository", "deployment", "server", "synapse-configs", "default")
	f := &fixture{root: root, seqDir: filepath.Join(base, "sequences"), epDir: filepath.Join(base, "endpoints")}
	t1 := filepath.Join(root, "repository", "tenants", "1", "synapse-configs", "default")
	tenants := map[string]Folders{
		config.SuperTenantDomain: {f.seqDir, f.epDir},
		"t1.com":                 {filepath.Join(t1, "sequences"), filepath.Join(t1, "endpoints")},
	}
	m, err := New(Options{Root: root, Node: "n1", Group: group, Limits: lim, Poll: 20 * time.Millisecond,
		Tenants: func() map[string]Folders { return tenants }})
	if err != nil {
		t.Fatal(err)
	}
	f.m = m
	t.Cleanup(m.Close)
	return f
}

// snapshot is every file under root with its content hash.
func snapshot(t *testing.T, root string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			out[p+"/"] = [32]byte{}
			return nil
		}
		data, err := os.ReadFile(p)
		out[p] = sha256.Sum256(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
