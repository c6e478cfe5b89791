package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/valyala/fasthttp"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/sequences"
)

// Test-only mediators under names no real mediator can take.
func init() {
	mediation.Register("t.mark", func(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
		name, ok := mediation.Attr(el, "name")
		if !ok {
			return nil, c.Errorf(el, "attribute name is required")
		}
		value, _ := mediation.Attr(el, "value")
		return mark{name, value}, nil
	})
	mediation.Register("t.call", func(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
		key, _ := mediation.Attr(el, "key")
		c.AddRef(key)
		return mark{"called", key}, nil
	})
}

type mark struct{ name, value string }

func (m mark) Mediate(mc *mediation.MessageContext) (bool, error) {
	mc.Props.Set(m.name, m.value)
	return true, nil
}

const tenantDomain = "wso2.com"

// fixture is a temporary WSO2 repository with the super tenant and tenant
// 1 (wso2.com), and a Repository over it with an observed logger.
type fixture struct {
	t     *testing.T
	root  string
	super string // super tenant's sequences folder
	t1    string // tenant 1's sequences folder
	repo  *Repository
	logs  *observer.ObservedLogs
}

func newFixture(t *testing.T, mkdirs bool) *fixture {
	t.Helper()
	root := t.TempDir()
	f := &fixture{
		t:     t,
		root:  root,
		super: filepath.Join(root, "repository", "deployment", "server", "synapse-configs", "default", "sequences"),
		t1:    filepath.Join(root, "repository", "tenants", "1", "synapse-configs", "default", "sequences"),
	}
	if mkdirs {
		for _, d := range []string{f.super, f.t1} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	core, logs := observer.New(zap.DebugLevel)
	f.logs = logs
	repo, err := New(Options{Root: root, Tenants: []config.Tenant{{ID: 1, Domain: tenantDomain}}, Logger: zap.New(core), Debounce: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	f.repo = repo
	t.Cleanup(func() {
		if err := repo.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return f
}

func (f *fixture) start() {
	f.t.Helper()
	if err := f.repo.Start(); err != nil {
		f.t.Fatal(err)
	}
}

// seq is a sequence whose version shows in property "v" when it runs.
func seq(name, version string) string {
	return fmt.Sprintf("<sequence xmlns=\"http://ws.apache.org/ns/synapse\" name=%q>\n  <t.mark name=\"v\" value=%q/>\n</sequence>\n", name, version)
}

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// version runs sequence name of the set and returns its "v" property, or
// "" when the set has no such sequence.
func version(set *sequences.Set, name string) string {
	s := set.Sequence(name)
	if s == nil {
		return ""
	}
	mc := &mediation.MessageContext{}
	mc.Reset(&fasthttp.Request{}, &fasthttp.Response{})
	mc.Sequences = set
	if _, err := s.Mediate(mc); err != nil {
		return "error: " + err.Error()
	}
	v, _ := mc.Props.Get("v")
	return v
}

// eventually polls cond until it holds or a deadline passes; the sleep is
// only the polling interval, never the assertion.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitVersion waits until the tenant's sequence name runs as version want
// ("" = absent).
func (f *fixture) waitVersion(domain, name, want string) {
	f.t.Helper()
	eventually(f.t, fmt.Sprintf("%s: %s at version %q", domain, name, want), func() bool {
		return version(f.repo.Set(domain), name) == want
	})
}

// fileStatus returns the status of a file of a tenant, or nil.
func (f *fixture) fileStatus(domain, file string) *FileStatus {
	for _, ts := range f.repo.Status() {
		if ts.Domain != domain {
			continue
		}
		for i := range ts.Files {
			if ts.Files[i].File == file {
				return &ts.Files[i]
			}
		}
	}
	return nil
}

// logged reports whether a log entry with msg carries field key=value.
func (f *fixture) logged(msg, key, value string) bool {
	for _, e := range f.logs.FilterMessage(msg).All() {
		if v, ok := e.ContextMap()[key]; ok && fmt.Sprint(v) == value {
			return true
		}
	}
	return false
}
