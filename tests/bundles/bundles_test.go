package bundles

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/redistest"
)

// TestRollout: a bundle uploaded to node 1 reaches node 2 through Redis;
// its immediate entry serves on both, its deferred entry on a node only
// once activated there; deleting it on node 2 stops it on both.
func TestRollout(t *testing.T) {
	rdb := redistest.Start(t)
	backend := newBackend(t)
	n1 := startNode(t, "n1", "default", rdb, backend)
	n2 := startNode(t, "n2", "default", rdb, backend)
	nodes := []*node{n1, n2}

	zip := bundleZip(t, "ext", nil, entry{"Now", "now", "immediate"}, entry{"Later", "later", "deferred"})
	if status, body := n1.call(t, "POST", "/admin/bundles", zip); status != http.StatusCreated {
		t.Fatalf("upload: %d %v", status, body)
	}
	for _, n := range nodes {
		waitFor(t, n.name+" serving the immediate entry", func() bool { return n.seq(t, "Now") == "now" })
	}
	for _, n := range nodes {
		if got := n.seq(t, "Later"); got != "" {
			t.Fatalf("%s serves the deferred entry before activation (X-Seq %q)", n.name, got)
		}
		if st := n.states(t, "ext"); st["sequences/later_in.xml"] != "staged" || st["sequences/now_in.xml"] != "applied" {
			t.Fatalf("%s states %v, want now applied and later staged", n.name, st)
		}
	}

	if status, body := n1.call(t, "POST", "/admin/bundles/ext/activate", nil); status != http.StatusOK {
		t.Fatalf("activate on n1: %d %v", status, body)
	}
	waitFor(t, "n1 serving the activated entry", func() bool { return n1.seq(t, "Later") == "later" })
	time.Sleep(300 * time.Millisecond) // well past a debounce: n2 would have picked up a change by now
	if got := n2.seq(t, "Later"); got != "" {
		t.Fatalf("n2 serves the deferred entry activated on n1 only (X-Seq %q)", got)
	}

	if status, body := n2.call(t, "POST", "/admin/bundles/ext/activate", nil); status != http.StatusOK {
		t.Fatalf("activate on n2: %d %v", status, body)
	}
	waitFor(t, "n2 serving the activated entry", func() bool { return n2.seq(t, "Later") == "later" })

	if status, body := n2.call(t, "DELETE", "/admin/bundles/ext", nil); status != http.StatusOK {
		t.Fatalf("delete on n2: %d %v", status, body)
	}
	for _, n := range nodes {
		waitFor(t, n.name+" no longer serving the bundle", func() bool { return n.seq(t, "Now") == "" && n.seq(t, "Later") == "" })
		waitFor(t, n.name+" no longer listing the bundle", func() bool { return n.states(t, "ext") == nil })
		if _, err := os.Stat(filepath.Join(n.root, "bundles", "installed", "ext")); !os.IsNotExist(err) {
			t.Fatalf("%s: installed folder left behind (%v)", n.name, err)
		}
	}
}

// TestGroupsRefusalsAndDrops: a bundle for another group is recorded on
// both nodes but applied on neither; a refused upload reaches no node; a
// zip dropped into node 2's bundles folder is installed on both.
func TestGroupsRefusalsAndDrops(t *testing.T) {
	rdb := redistest.Start(t)
	backend := newBackend(t)
	n1 := startNode(t, "n1", "default", rdb, backend)
	n2 := startNode(t, "n2", "default", rdb, backend)
	nodes := []*node{n1, n2}

	other := bundleZip(t, "partners", []string{"partner"}, entry{"Now", "partner", "immediate"})
	if status, body := n1.call(t, "POST", "/admin/bundles", other); status != http.StatusCreated || body["targeted"] != false {
		t.Fatalf("upload for another group: %d %v", status, body)
	}
	waitFor(t, "n2 recording the other group's bundle", func() bool { return n2.states(t, "partners") != nil })
	for _, n := range nodes {
		if st := n.states(t, "partners"); st["sequences/now_in.xml"] != "not targeted" {
			t.Fatalf("%s: states %v, want not targeted", n.name, st)
		}
		if got := n.seq(t, "Now"); got != "" {
			t.Fatalf("%s applies a bundle for group partner (X-Seq %q)", n.name, got)
		}
		if status, _ := n.call(t, "POST", "/admin/bundles/partners/activate", nil); status != http.StatusConflict {
			t.Fatalf("%s: activating a bundle not targeted here: %d, want 409", n.name, status)
		}
	}

	bad := bundleZip(t, "../escape", nil, entry{"Now", "bad", "immediate"})
	status, body := n1.call(t, "POST", "/admin/bundles", bad)
	if status != http.StatusBadRequest || !strings.Contains(body["error"].(string), `name "../escape" must be`) {
		t.Fatalf("bad upload: %d %v", status, body)
	}

	drop := filepath.Join(n2.root, "bundles", "drop.zip")
	if err := os.MkdirAll(filepath.Dir(drop), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(drop, bundleZip(t, "dropped", nil, entry{"Drop", "dropped", "immediate"}), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		waitFor(t, n.name+" serving the dropped bundle", func() bool { return n.seq(t, "Drop") == "dropped" })
	}
	if _, err := os.Stat(drop); !os.IsNotExist(err) {
		t.Fatalf("dropped zip left in place (%v)", err)
	}
	_, list := n1.call(t, "GET", "/admin/bundles", nil)
	if len(list["bundles"].([]any)) != 2 || list["node"] != "n1" {
		t.Fatalf("n1 lists %v, want partners and dropped", list)
	}
}

// TestCatchUp: a node that was not running when a bundle was uploaded
// installs it from Redis when it starts.
func TestCatchUp(t *testing.T) {
	rdb := redistest.Start(t)
	backend := newBackend(t)
	n1 := startNode(t, "n1", "default", rdb, backend)
	zip := bundleZip(t, "early", nil, entry{"Now", "early", "immediate"})
	if status, body := n1.call(t, "POST", "/admin/bundles", zip); status != http.StatusCreated {
		t.Fatalf("upload: %d %v", status, body)
	}
	n2 := startNode(t, "n2", "default", rdb, backend)
	waitFor(t, "late node serving the bundle", func() bool { return n2.seq(t, "Now") == "early" })
	if st := n2.states(t, "early"); st["sequences/now_in.xml"] != "applied" {
		t.Fatalf("late node states %v", st)
	}
}
