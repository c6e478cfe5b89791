package bundle

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/tests/redistest"
)

// clusterManager is a started Manager on root, following rdb.
func clusterManager(t *testing.T, root, node string, rdb *redis.Client) *Manager {
	t.Helper()
	base := filepath.Join(root, "repository", "deployment", "server", "synapse-configs", "default")
	tenants := map[string]Folders{config.SuperTenantDomain: {filepath.Join(base, "sequences"), filepath.Join(base, "endpoints")}}
	m, err := New(Options{Root: root, Node: node, Redis: rdb, Prefix: "ut:", Poll: 20 * time.Millisecond,
		Tenants: func() map[string]Folders { return tenants }})
	if err != nil {
		t.Fatal(err)
	}
	m.Start()
	t.Cleanup(m.Close)
	return m
}

func newClient(t *testing.T) *redis.Client {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// TestClusterSharedFolder: two nodes on one folder. The second finds the
// first's install already there (same SHA-256) and changes nothing; a
// removal on either leaves no trace and no error.
func TestClusterSharedFolder(t *testing.T) {
	rdb := newClient(t)
	root := t.TempDir()
	a := clusterManager(t, root, "a", rdb)
	b := clusterManager(t, root, "b", rdb)
	if _, err := a.Install(simple(t, "s"), "upload"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // b has received the message by now
	in, err := b.Get("s")
	if err != nil || in.Node != "a" || in.Source != "upload" {
		t.Fatalf("b sees %+v, %v; want a's install untouched", in, err)
	}
	if _, err := b.Remove("s"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "shared folder clean", func() bool {
		des, _ := os.ReadDir(filepath.Join(root, "bundles", "installed"))
		return len(des) == 0
	})
	if n, _ := rdb.SCard(t.Context(), "ut:bundles:names").Result(); n != 0 {
		t.Fatalf("%d names left in redis", n)
	}
}

// TestClusterReplace: a bundle deleted and uploaded again with other
// content replaces the old one on the other node.
func TestClusterReplace(t *testing.T) {
	rdb := newClient(t)
	a := clusterManager(t, t.TempDir(), "a", rdb)
	b := clusterManager(t, t.TempDir(), "b", rdb)
	if _, err := a.Install(simple(t, "r"), "upload"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b installs r", func() bool { _, err := b.Get("r"); return err == nil })
	if _, err := a.Remove("r"); err != nil {
		t.Fatal(err)
	}
	v2 := makeZip(t, manifest("r", nil, Entry{File: "sequences/v2.xml"}), member{"sequences/v2.xml", seqXML("V2")})
	if _, err := a.Install(v2, "upload"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b installs r v2", func() bool {
		in, err := b.Get("r")
		return err == nil && len(in.Entries) == 1 && in.Entries[0].Name == "V2" && in.Source == "cluster"
	})
}
