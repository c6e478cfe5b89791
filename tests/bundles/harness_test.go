// Package bundles runs two seqgate processes, each with its own
// repository folder, sharing one real redis-server, and rolls extension
// bundles out through them over the admin API and the drop folder.
// Everything is black-box: the real binary, real Redis, real HTTP.
package bundles

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/redistest"
	"github.com/seqgate/seqgate/tests/testbin"
)

var binPath string

func TestMain(m *testing.M) { os.Exit(testbin.Main(m, "bundles", &binPath)) }

// node is one seqgate process with its own repository root.
type node struct {
	name, root     string
	traffic, admin string
	proc           *testbin.Proc
}

// apis are the APIs every node serves; each has a per-API In sequence
// name a bundle can provide (admin--<Name>:v1.0.0--In).
var apis = []string{"Now", "Later", "Drop"}

// startNode launches one node on a fresh root, retrying on fresh ports.
func startNode(t *testing.T, name, group string, rdb *redistest.Server, backend string) *node {
	t.Helper()
	root := t.TempDir()
	for range 3 {
		n := &node{name: name, root: root, traffic: testbin.FreePort(t), admin: testbin.FreePort(t)}
		var b strings.Builder
		fmt.Fprintf(&b, "listen: {http: %q, admin: %q}\nrepository: %s\n", n.traffic, n.admin, root)
		b.WriteString("lifecycle: {drain_delay: 0s}\nusage: {events: false}\n")
		fmt.Fprintf(&b, "cluster: {node: %s, group: %s}\n", name, group)
		fmt.Fprintf(&b, "redis: {addr: %q, key_prefix: \"bt:\"}\napis:\n", rdb.Addr)
		for _, a := range apis {
			fmt.Fprintf(&b, "  - {provider: admin, name: %s, version: 1.0.0, context: /%s, auth: none, backend: [%q]}\n", a, strings.ToLower(a), backend)
		}
		cfg := filepath.Join(root, "seqgate.yaml")
		if err := os.WriteFile(cfg, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		if p, ok := testbin.Launch(t, binPath, n.admin, "run", "-config", cfg); ok {
			n.proc = p
			return n
		}
	}
	t.Fatalf("node %s did not start", name)
	return nil
}

// newBackend echoes the X-Seq header a bundle's sequence sets.
func newBackend(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Echo-X-Seq", r.Header.Get("X-Seq"))
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

var client = &http.Client{Timeout: 5 * time.Second}

// seq is what the node's sequences set on a request to /<api>/1.0.0: the
// backend's echo of X-Seq ("" when no sequence ran).
func (n *node) seq(t *testing.T, api string) string {
	t.Helper()
	r, err := client.Get("http://" + n.traffic + "/" + strings.ToLower(api) + "/1.0.0")
	if err != nil {
		t.Fatalf("%s /%s: %v", n.name, api, err)
	}
	defer r.Body.Close()
	_, _ = io.Copy(io.Discard, r.Body)
	return r.Header.Get("Echo-X-Seq")
}

// call sends an admin request and decodes the JSON answer.
func (n *node) call(t *testing.T, method, path string, body []byte) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+n.admin+path, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/zip")
	}
	r, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s %s: %v", n.name, method, path, err)
	}
	defer r.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s %s %s: %d %s", n.name, method, path, r.StatusCode, data)
	}
	return r.StatusCode, out
}

// states returns the bundle's entry states on the node by file, or nil
// when the node does not have it.
func (n *node) states(t *testing.T, bundle string) map[string]string {
	t.Helper()
	status, in := n.call(t, "GET", "/admin/bundles/"+bundle, nil)
	if status != http.StatusOK {
		return nil
	}
	out := map[string]string{}
	for _, e := range in["entries"].([]any) {
		m := e.(map[string]any)
		out[m["file"].(string)] = m["state"].(string)
	}
	return out
}

// seqXML is a per-API In sequence setting X-Seq to value.
func seqXML(api, value string) string {
	return `<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--` + api + `:v1.0.0--In">
  <property name="X-Seq" scope="transport" value="` + value + `"/>
</sequence>
`
}

// entry is one sequence of a test bundle.
type entry struct{ api, value, deploy string }

// bundleZip builds a bundle whose entries set X-Seq on their APIs.
func bundleZip(t *testing.T, name string, groups []string, entries ...entry) []byte {
	t.Helper()
	type mEntry struct {
		File   string `json:"file"`
		Deploy string `json:"deploy"`
	}
	mf := map[string]any{"name": name, "version": "1.0.0", "author": "tests", "description": "e2e", "groups": groups}
	var es []mEntry
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		file := "sequences/" + strings.ToLower(e.api) + "_in.xml"
		es = append(es, mEntry{file, e.deploy})
		w, _ := zw.Create(file)
		_, _ = io.WriteString(w, seqXML(e.api, e.value))
	}
	mf["entries"] = es
	w, _ := zw.Create("manifest.json")
	_ = json.NewEncoder(w).Encode(mf)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// waitFor polls cond every 20 ms until it holds or 5 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("timed out after 5s waiting for %s", what)
		}
	}
}
