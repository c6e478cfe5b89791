package bundle

import (
	"fmt"
	"os"
	"path/filepath"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/atomicfile"
)

// Activate writes the bundle's staged (deferred) entries into this node's
// watched folders. It is per node on purpose: a rolling roll-out activates
// node after node. Activating twice is harmless.
func (m *Manager) Activate(name string) (*Info, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	in, err := m.Get(name)
	if err != nil {
		return nil, err
	}
	if !in.Targeted {
		return nil, fmt.Errorf("%w: %q targets %v, this node is in %q", ErrNotTargeted, name, in.Manifest.Groups, in.Group)
	}
	tenants := m.opts.Tenants()
	var staged []EntryState
	for _, e := range in.Entries {
		if e.State == StateStaged {
			if _, ok := tenants[e.Tenant]; !ok {
				return nil, fmt.Errorf("%w: entry %q: unknown tenant %q", ErrInvalid, e.File, e.Tenant)
			}
			staged = append(staged, e)
		}
	}
	if err := m.conflicts(staged, name, tenants); err != nil {
		return nil, err
	}
	dir := filepath.Join(m.installed, name)
	for i := range in.Entries {
		e := &in.Entries[i]
		if e.State != StateStaged {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(e.File)))
		if err == nil {
			e.Path = target(tenants[e.Tenant], e)
			err = atomicfile.Write(e.Path, data, 0o644)
		}
		if err != nil {
			e.Path = ""
			_ = writeInfo(dir, in) // record what was written before the failure
			return nil, fmt.Errorf("bundle %q: activating %q: %w", name, e.File, err)
		}
		e.State = StateActive
	}
	if err := writeInfo(dir, in); err != nil {
		return nil, fmt.Errorf("bundle %q: %w", name, err)
	}
	m.log.Info("bundle activated", zap.String("bundle", name), zap.Int("entries", len(staged)))
	return in, nil
}
