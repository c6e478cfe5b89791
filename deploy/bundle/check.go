package bundle

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/seqgate/seqgate/mediation/endpoint"
	"github.com/seqgate/seqgate/sequences"
)

// check sets the target file of every entry written now (applied) and
// refuses unknown tenants and conflicts. Staged entries are checked too,
// so that their names are reserved and activating rarely conflicts later.
func (m *Manager) check(in *Info, self string) error {
	tenants := m.opts.Tenants()
	for i := range in.Entries {
		e := &in.Entries[i]
		f, ok := tenants[e.Tenant]
		if !ok {
			return fmt.Errorf("%w: entry %q: unknown tenant %q", ErrInvalid, e.File, e.Tenant)
		}
		if e.State == StateApplied {
			e.Path = target(f, e)
		}
	}
	return m.conflicts(in.Entries, self, tenants)
}

// target is where an entry is written: the tenant's watched folder, under
// the entry's own file name.
func target(f Folders, e *EntryState) string {
	dir := f.Sequences
	if e.Kind == "endpoint" {
		dir = f.Endpoints
	}
	return filepath.Join(dir, path.Base(e.File))
}

// conflicts refuses entries whose name another bundle provides (written
// or staged) or an operator's own file provides, and entries whose target
// file exists and was not written by self.
func (m *Manager) conflicts(entries []EntryState, self string, tenants map[string]Folders) error {
	infos, err := listInfos(m.installed)
	if err != nil {
		return err
	}
	owner := map[string]string{}    // written file -> bundle
	provider := map[string]string{} // tenant kind name -> bundle
	for _, in := range infos {
		for _, e := range in.Entries {
			if e.written() {
				owner[e.Path] = in.Manifest.Name
			}
			if in.Manifest.Name != self && in.Targeted {
				provider[e.Tenant+" "+e.Kind+" "+e.Name] = in.Manifest.Name
			}
		}
	}
	operator := operatorNames{owner: owner, seen: map[string]map[string]string{}}
	for i := range entries {
		e := &entries[i]
		if b, ok := provider[e.Tenant+" "+e.Kind+" "+e.Name]; ok {
			return fmt.Errorf("%w: %s %q of tenant %s is already provided by bundle %q", ErrConflict, e.Kind, e.Name, e.Tenant, b)
		}
		p := target(tenants[e.Tenant], e)
		if _, err := os.Lstat(p); err == nil && owner[p] != self {
			if b := owner[p]; b != "" {
				return fmt.Errorf("%w: entry %q: %s belongs to bundle %q", ErrConflict, e.File, p, b)
			}
			return fmt.Errorf("%w: entry %q: %s exists and was not written by this bundle; refusing to overwrite it", ErrConflict, e.File, p)
		}
		if file := operator.provides(filepath.Dir(p), e.Kind, e.Name); file != "" {
			return fmt.Errorf("%w: %s %q of tenant %s is already provided by %s", ErrConflict, e.Kind, e.Name, e.Tenant, file)
		}
	}
	return nil
}

// operatorNames compiles the files of a watched folder that no bundle
// wrote, once per folder, to learn the names they provide.
type operatorNames struct {
	owner map[string]string
	seen  map[string]map[string]string // dir -> name -> file
}

func (o *operatorNames) provides(dir, kind, name string) string {
	names, ok := o.seen[dir]
	if !ok {
		names = o.scan(dir, kind)
		o.seen[dir] = names
	}
	return names[name]
}

// scan compiles every deployable file of dir not written by a bundle; a
// file that does not compile provides nothing (deploy refuses it too).
func (o *operatorNames) scan(dir, kind string) map[string]string {
	out := map[string]string{}
	des, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return out
	}
	for _, de := range des {
		p := filepath.Join(dir, de.Name())
		if de.IsDir() || !sequences.IsSequenceFile(de.Name()) || o.owner[p] != "" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil || len(data) > sequences.MaxFileSize {
			continue
		}
		if kind == "sequence" {
			if s, err := sequences.Compile(p, data); err == nil {
				out[s.Name] = p
			}
		} else if ep, err := endpoint.CompileFile(p, data); err == nil {
			out[ep.Name] = p
		}
	}
	return out
}
