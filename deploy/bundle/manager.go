package bundle

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/atomicfile"
)

// Folders are one tenant's watched folders.
type Folders struct {
	Sequences string
	Endpoints string
}

// Options configure a Manager.
type Options struct {
	Root    string                    // the repository root; bundles live in <Root>/bundles
	Node    string                    // this node's name (cluster.node)
	Group   string                    // this node's gateway group (cluster.group)
	Tenants func() map[string]Folders // the tenants served now, by domain
	Limits  Limits
	Logger  *zap.Logger   // nil: no logs
	Redis   *redis.Client // nil: no cluster rollout
	Prefix  string        // Redis key prefix (redis.key_prefix)
	// Poll is the drop folder's polling interval; 0: one second.
	Poll time.Duration
}

// Manager installs, activates and removes bundles on this node, and (with
// Redis) rolls uploads and removals out to the other nodes. One mutex
// serializes every change: bundles change rarely and must not interleave.
type Manager struct {
	opts      Options
	dir       string // <root>/bundles: the drop folder
	installed string // <root>/bundles/installed
	log       *zap.Logger
	mu        sync.Mutex
	// rollout serializes an upload or delete here (local change, then
	// Redis) with a catch-up, which would otherwise see the local change
	// before Redis does and undo it.
	rollout sync.Mutex

	stop chan struct{}
	done sync.WaitGroup
}

// New checks the options; nothing is read or started yet (Start).
func New(opts Options) (*Manager, error) {
	if opts.Root == "" || opts.Tenants == nil {
		return nil, errors.New("bundle: root and tenants are required")
	}
	if opts.Group == "" {
		opts.Group = "default"
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	opts.Limits = opts.Limits.withDefaults()
	dir := filepath.Join(opts.Root, "bundles")
	m := &Manager{opts: opts, dir: dir, installed: filepath.Join(dir, "installed"), log: opts.Logger, stop: make(chan struct{})}
	if m.log == nil {
		m.log = zap.NewNop()
	}
	return m, nil
}

// Node and Group name this node, as the admin API lists them.
func (m *Manager) Node() string  { return m.opts.Node }
func (m *Manager) Group() string { return m.opts.Group }

// Install reads data as a bundle and installs it on this node, then (with
// Redis) hands it to every other node. source says where it came from
// (upload, drop). A refused bundle writes nothing anywhere.
func (m *Manager) Install(data []byte, source string) (*Info, error) {
	b, err := Read(data, m.opts.Limits)
	if err != nil {
		return nil, err
	}
	m.rollout.Lock()
	defer m.rollout.Unlock()
	in, err := m.install(b, source)
	if err != nil {
		return nil, err
	}
	if err := m.publishInstall(b); err != nil {
		m.log.Error("bundle installed here but not rolled out to the cluster", zap.String("bundle", b.Manifest.Name), zap.Error(err))
	}
	return in, nil
}

// Remove removes a bundle from the cluster (with Redis) and from this
// node: every file it wrote and its installed folder.
func (m *Manager) Remove(name string) (*Info, error) {
	m.rollout.Lock()
	defer m.rollout.Unlock()
	inCluster, err := m.publishRemove(name)
	if err != nil {
		return nil, err
	}
	in, err := m.remove(name)
	if errors.Is(err, ErrNotFound) && inCluster {
		return &Info{Manifest: Manifest{Name: name}}, nil
	}
	return in, err
}

// List returns every installed bundle's processed manifest, by name.
func (m *Manager) List() ([]*Info, error) { return listInfos(m.installed) }

// Get returns one installed bundle.
func (m *Manager) Get(name string) (*Info, error) {
	if !plainName.MatchString(name) || name[0] == '.' {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	in, err := readInfo(filepath.Join(m.installed, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	return in, err
}

// install writes a validated bundle: first its installed folder (staged
// in a hidden folder, then renamed, so a half-written bundle never looks
// installed), then its immediate entries. Any failure undoes it all.
func (m *Manager) install(b *Bundle, source string) (*Info, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	name := b.Manifest.Name
	dir := filepath.Join(m.installed, name)
	if in, err := readInfo(dir); err == nil {
		return in, fmt.Errorf("%w: %q (version %s, sha256 %.12s); delete it first to replace it", ErrExists, name, in.Manifest.Version, in.SHA256)
	}
	in := m.newInfo(b, source)
	if in.Targeted {
		if err := m.check(in, name); err != nil {
			return nil, err
		}
	}
	if err := m.stage(b, in, dir); err != nil {
		return nil, fmt.Errorf("bundle %q: %w", name, err)
	}
	for i := range in.Entries {
		e := &in.Entries[i]
		if e.State != StateApplied {
			continue
		}
		if err := atomicfile.Write(e.Path, b.files[i].data, 0o644); err != nil {
			m.undo(in, dir)
			return nil, fmt.Errorf("bundle %q: %w", name, err) // the error names the path
		}
	}
	m.log.Info("bundle installed", zap.String("bundle", name), zap.String("version", b.Manifest.Version),
		zap.String("source", source), zap.Bool("targeted", in.Targeted))
	return in, nil
}

// newInfo lays out the bundle's state on this node before anything is
// written: immediate entries applied, deferred ones staged.
func (m *Manager) newInfo(b *Bundle, source string) *Info {
	in := &Info{Manifest: b.Manifest, SHA256: b.SHA256, Node: m.opts.Node, Group: m.opts.Group, Source: source,
		InstalledAt: time.Now().UTC(), Targeted: len(b.Manifest.Groups) == 0 || slices.Contains(b.Manifest.Groups, m.opts.Group)}
	for _, f := range b.files {
		st := StateNotTargeted
		switch {
		case !in.Targeted:
		case f.Deploy == DeployImmediate:
			st = StateApplied
		default:
			st = StateStaged
		}
		in.Entries = append(in.Entries, EntryState{File: f.File, Tenant: f.Tenant, Deploy: f.Deploy, Kind: f.kind, Name: f.name, State: st})
	}
	return in
}

// stage writes installed/<name>/: manifest.json, every entry, state.json.
func (m *Manager) stage(b *Bundle, in *Info, dir string) error {
	tmp := filepath.Join(m.installed, "."+b.Manifest.Name+"-"+randomSuffix())
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	err := func() error {
		mf, err := json.MarshalIndent(b.Manifest, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(tmp, "manifest.json"), mf, 0o644); err != nil {
			return err
		}
		for _, f := range b.files {
			p := filepath.Join(tmp, filepath.FromSlash(f.File))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, f.data, 0o644); err != nil {
				return err
			}
		}
		if err := writeInfo(tmp, in); err != nil {
			return err
		}
		return os.Rename(tmp, dir) // a whole folder: atomicfile.Write is for one file
	}()
	if err != nil {
		os.RemoveAll(tmp)
	}
	return err
}

// undo deletes what an install or a removal is taking away.
func (m *Manager) undo(in *Info, dir string) {
	for _, e := range in.Entries {
		if e.written() {
			if err := os.Remove(e.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				m.log.Error("bundle file not removed", zap.String("bundle", in.Manifest.Name), zap.String("file", e.Path), zap.Error(err))
			}
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		m.log.Error("bundle folder not removed", zap.String("dir", dir), zap.Error(err))
	}
}

// remove deletes the files the bundle wrote and its installed folder.
func (m *Manager) remove(name string) (*Info, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	in, err := m.Get(name)
	if err != nil {
		return nil, err
	}
	m.undo(in, filepath.Join(m.installed, name))
	m.log.Info("bundle removed", zap.String("bundle", name))
	return in, nil
}
