package bundle

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestClusterCatchUp: node b is down (its manager closed) while the
// cluster changes; a new manager on b's folder catches up at start.
// Removals are caught up only through a tombstone naming b's very copy:
// an empty Redis removes nothing and a later upload under the same name
// is installed, not removed.
func TestClusterCatchUp(t *testing.T) {
	v2 := makeZip(t, manifest("s", nil, Entry{File: "sequences/v2.xml"}), member{"sequences/v2.xml", seqXML("V2")})
	cases := []struct {
		name      string
		whileDown func(t *testing.T, a *Manager, rdb *redis.Client)
		want      string // entry b serves afterwards ("": no bundle; sNow: b's copy untouched)
	}{
		{"removed", func(t *testing.T, a *Manager, _ *redis.Client) { remove(t, a, "s") }, ""},
		{"redis flushed", func(t *testing.T, _ *Manager, rdb *redis.Client) { flush(t, rdb) }, "sNow"},
		{"removed then redis flushed", func(t *testing.T, a *Manager, rdb *redis.Client) { remove(t, a, "s"); flush(t, rdb) }, "sNow"},
		{"re-uploaded with other content", func(t *testing.T, a *Manager, _ *redis.Client) {
			remove(t, a, "s")
			install(t, a, v2)
		}, "V2"},
		{"re-uploaded with the same content", func(t *testing.T, a *Manager, _ *redis.Client) {
			remove(t, a, "s")
			install(t, a, simple(t, "s"))
		}, "sNow"},
		// Left by an older node or a race: the rule alone decides.
		{"tombstone of another copy", func(t *testing.T, _ *Manager, rdb *redis.Client) {
			rdb.SRem(t.Context(), "ut:bundles:names", "s")
			setTombstone(t, rdb, "s", shaOf(t, v2))
		}, "sNow"},
		{"tombstone but the name in the set", func(t *testing.T, _ *Manager, rdb *redis.Client) {
			setTombstone(t, rdb, "s", shaOf(t, simple(t, "s")))
		}, "sNow"},
		{"tombstone of this copy", func(t *testing.T, _ *Manager, rdb *redis.Client) {
			rdb.SRem(t.Context(), "ut:bundles:names", "s")
			setTombstone(t, rdb, "s", shaOf(t, simple(t, "s")))
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rdb := newClient(t)
			rootB := t.TempDir()
			a := clusterManager(t, t.TempDir(), "a", rdb)
			b := clusterManager(t, rootB, "b", rdb)
			install(t, a, simple(t, "s"))
			waitFor(t, "b installs s", func() bool { _, err := b.Get("s"); return err == nil })
			in, _ := b.Get("s")
			b.Close()

			tc.whileDown(t, a, rdb)
			b = clusterManager(t, rootB, "b", rdb)
			b.reconcile(t.Context()) // returns after a whole catch-up: the one at start ran before or runs after
			b.reconcile(t.Context()) // and a second one changes nothing
			got, err := b.Get("s")
			if tc.want == "" {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("b still has s after catching up: %+v, %v", got, err)
				}
				for _, e := range in.Entries {
					if _, err := os.Stat(e.Path); e.Path != "" && !os.IsNotExist(err) {
						t.Fatalf("file %s left behind (%v)", e.Path, err)
					}
				}
				if _, err := os.Stat(filepath.Join(rootB, "bundles", "installed", "s")); !os.IsNotExist(err) {
					t.Fatalf("installed folder left behind (%v)", err)
				}
				return
			}
			if err != nil || got.Entries[0].Name != tc.want {
				t.Fatalf("b has %+v, %v; want s serving %s", got, err, tc.want)
			}
			if tc.want == "sNow" && !got.InstalledAt.Equal(in.InstalledAt) {
				t.Fatalf("b's copy of s was replaced (installed at %v, before %v); want it untouched", got.InstalledAt, in.InstalledAt)
			}
			if _, err := os.Stat(got.Entries[0].Path); err != nil {
				t.Fatalf("b's file: %v", err)
			}
		})
	}
}

// TestTombstones: a removal writes a tombstone with the removed copy's
// SHA-256, an install of the name clears it, and the node that writes
// one prunes those older than tombstoneTTL.
func TestTombstones(t *testing.T) {
	rdb := newClient(t)
	a := clusterManager(t, t.TempDir(), "a", rdb)
	ctx := t.Context()
	old, _ := json.Marshal(tombstone{SHA256: "x", At: time.Now().Add(-tombstoneTTL - time.Hour).Unix()})
	recent, _ := json.Marshal(tombstone{SHA256: "y", At: time.Now().Add(-time.Hour).Unix()})
	rdb.HSet(ctx, "ut:bundles:removed", "old", old, "recent", recent, "garbage", "{")

	in := install(t, a, simple(t, "t"))
	remove(t, a, "t")
	all, err := rdb.HGetAll(ctx, "ut:bundles:removed").Result()
	if err != nil {
		t.Fatal(err)
	}
	var ts tombstone
	_ = json.Unmarshal([]byte(all["t"]), &ts)
	if ts.SHA256 != in.SHA256 || time.Since(time.Unix(ts.At, 0)) > time.Minute {
		t.Fatalf("tombstone of t: %q; want sha256 %s, now", all["t"], in.SHA256)
	}
	if _, ok := all["recent"]; !ok || len(all) != 2 {
		t.Fatalf("tombstones after pruning: %v; want t and recent", all)
	}
	if n, _ := rdb.Exists(ctx, "ut:bundle:t").Result(); n != 0 {
		t.Fatal("zip of t left in redis")
	}

	install(t, a, simple(t, "t"))
	if ok, _ := rdb.HExists(ctx, "ut:bundles:removed", "t").Result(); ok {
		t.Fatal("tombstone of t kept after a new install")
	}
}

func install(t *testing.T, m *Manager, zip []byte) *Info {
	t.Helper()
	in, err := m.Install(zip, "upload")
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func remove(t *testing.T, m *Manager, name string) {
	t.Helper()
	if _, err := m.Remove(name); err != nil {
		t.Fatal(err)
	}
}

func flush(t *testing.T, rdb *redis.Client) {
	t.Helper()
	if err := rdb.FlushAll(t.Context()).Err(); err != nil {
		t.Fatal(err)
	}
}

func shaOf(t *testing.T, zip []byte) string {
	t.Helper()
	b, err := Read(zip, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return b.SHA256
}

func setTombstone(t *testing.T, rdb *redis.Client, name, sha string) {
	t.Helper()
	ts, _ := json.Marshal(tombstone{SHA256: sha, At: time.Now().Unix()})
	if err := rdb.HSet(t.Context(), "ut:bundles:removed", name, ts).Err(); err != nil {
		t.Fatal(err)
	}
}
