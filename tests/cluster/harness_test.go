// Package cluster runs several seqgate processes on one machine as one
// cluster: they share one real redis-server (throttle counters) and one
// repository folder (sequences), as deploy/CLUSTER.md
// describes. Everything is black-box: the real binary, real Redis, real
// HTTP on 127.0.0.1.
package cluster

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/redistest"
	"github.com/seqgate/seqgate/tests/testbin"
)

var binPath string

func TestMain(m *testing.M) { os.Exit(testbin.Main(m, "cluster", &binPath)) }

// nodeCount is the size of every cluster in this package.
const nodeCount = 3

// opts is what varies between the clusters of the tests.
type opts struct {
	redis   *redistest.Server // nil: throttling.store memory, no redis section
	onError string            // throttling.on_store_error: open or closed
	limit   int               // requests per minute of the Limited API's api_tier
	timeout string            // redis.timeout; "" is 200ms, the default
}

// cluster is nodeCount seqgate processes on one shared repository.
type cluster struct {
	t        *testing.T
	nodes    []*node
	superDir string // the shared super tenant sequences folder
	backend  *backend
}

// node is one seqgate process of a cluster.
type node struct {
	name    string
	traffic string // 127.0.0.1:port
	admin   string
	proc    *testbin.Proc
}

// startCluster writes one repository, one config per node (same
// repository, own ports, own cluster.node name) and starts the nodes.
func startCluster(t *testing.T, o opts) *cluster {
	t.Helper()
	root := t.TempDir()
	c := &cluster{t: t, backend: newBackend(t),
		superDir: filepath.Join(root, "repository", "deployment", "server", "synapse-configs", "default", "sequences")}
	if err := os.MkdirAll(c.superDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range nodeCount {
		name := fmt.Sprintf("n%d", i+1)
		c.nodes = append(c.nodes, c.startNode(root, name, o))
	}
	// Runs before the nodes stop (cleanups run last first): a node's
	// graceful stop waits for its open client connections.
	t.Cleanup(client.CloseIdleConnections)
	return c
}

// startNode launches one node, retrying on fresh ports when one was taken
// between picking and binding.
func (c *cluster) startNode(root, name string, o opts) *node {
	t := c.t
	for range 3 {
		n := &node{name: name, traffic: testbin.FreePort(t), admin: testbin.FreePort(t)}
		cfgPath := filepath.Join(root, name+".yaml")
		writeFile(t, cfgPath, nodeConfig(n, root, c.backend.srv.URL, o))
		if p, ok := testbin.Launch(t, binPath, n.admin, "run", "-config", cfgPath); ok {
			n.proc = p
			return n
		}
	}
	t.Fatalf("node %s did not start after 3 attempts", name)
	return nil
}

// nodeConfig is one node's config. The Limited API has auth none and an
// api_tier, so every request to it, whoever sends it and whichever node
// receives it, counts against one shared quota; Free is unthrottled.
func nodeConfig(n *node, root, backendURL string, o opts) string {
	var b strings.Builder
	fmt.Fprintf(&b, "listen: {http: %q, admin: %q}\n", n.traffic, n.admin)
	fmt.Fprintf(&b, "repository: %s\n", root)
	b.WriteString("lifecycle: {drain_delay: 0s}\n")
	b.WriteString("usage: {events: false}\n")
	fmt.Fprintf(&b, "cluster: {node: %s}\n", n.name)
	if o.redis != nil {
		fmt.Fprintf(&b, "throttling: {store: redis, on_store_error: %s, headers: true}\n", o.onError)
		timeout := o.timeout
		if timeout == "" {
			timeout = "200ms"
		}
		fmt.Fprintf(&b, "redis: {addr: %q, timeout: %s, key_prefix: \"seqgate:\"}\n", o.redis.Addr, timeout)
	}
	limit := o.limit
	if limit == 0 {
		limit = 1000000
	}
	fmt.Fprintf(&b, "tiers: [{name: Cluster, requests: %d, unit: 1m}]\n", limit)
	b.WriteString("apis:\n")
	fmt.Fprintf(&b, "  - {provider: admin, name: Limited, version: v1, context: /limited, auth: none, api_tier: Cluster, backend: [%q]}\n", backendURL)
	fmt.Fprintf(&b, "  - {provider: admin, name: Free, version: v1, context: /free, auth: none, backend: [%q]}\n", backendURL)
	return b.String()
}

// answer is what one request got back.
type answer struct {
	status int
	header http.Header
	err    error
}

// client is shared by every test; keep-alive connections per node.
var client = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// get sends GET path to the node's traffic port.
func (n *node) get(path string) answer {
	r, err := client.Get("http://" + n.traffic + path)
	if err != nil {
		return answer{err: err}
	}
	defer r.Body.Close()
	_, _ = io.Copy(io.Discard, r.Body)
	return answer{status: r.StatusCode, header: r.Header}
}

// logs is the tail of every node's stderr, for failure messages.
func (c *cluster) logs() string {
	var b strings.Builder
	for _, n := range c.nodes {
		fmt.Fprintf(&b, "--- %s stderr:\n%s\n", n.name, testbin.Tail(n.proc.Stderr.String(), 2000))
	}
	return b.String()
}

// backend stands in for every API's backend: it counts requests and echoes
// X-Cluster (set by the shared folder test's sequence) as Echo-X-Cluster.
type backend struct {
	srv  *httptest.Server
	hits atomic.Int64
}

func newBackend(t *testing.T) *backend {
	b := &backend{}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.hits.Add(1)
		if v := r.Header.Get("X-Cluster"); v != "" {
			w.Header().Set("Echo-X-Cluster", v)
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond every 20 ms until it holds (returning how long it
// took) or the deadline passes (then the test fails naming what).
func waitFor(t *testing.T, what string, deadline time.Duration, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > deadline {
			t.Fatalf("timed out after %v waiting for %s", deadline, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}
