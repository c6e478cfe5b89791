package bundle

import (
	"archive/zip"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/seqgate/seqgate/mediation/endpoint"
	_ "github.com/seqgate/seqgate/mediation/mediators" // entries compile with the gateway's built-in mediators
	"github.com/seqgate/seqgate/sequences"
)

// plainName is what a bundle name, a group and a version may hold: they
// name folders and Redis keys.
var plainName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// checkMemberName refuses a zip member name that could escape the bundle
// when written: absolute, backslashes, "..", or anything but manifest.json
// and files directly under sequences/ or endpoints/.
func checkMemberName(name string) error {
	dir := strings.TrimSuffix(name, "/")
	switch {
	case name == "manifest.json":
		return nil
	case strings.Contains(name, `\`):
		return fmt.Errorf("%w: %q: backslash in a file name", ErrInvalid, name)
	case strings.HasPrefix(name, "/") || path.IsAbs(name) || (len(name) > 1 && name[1] == ':'):
		return fmt.Errorf("%w: %q: absolute path", ErrInvalid, name)
	case strings.Contains(name, "\x00"):
		return fmt.Errorf("%w: %q: NUL in a file name", ErrInvalid, name)
	case dir == ".." || strings.HasPrefix(dir, "../") || strings.Contains(dir, "/../") || strings.HasSuffix(dir, "/.."):
		return fmt.Errorf("%w: %q: path traversal", ErrInvalid, name)
	case dir == "sequences" || dir == "endpoints":
		return nil // folder entry
	}
	return checkEntryFile(name)
}

// checkEntryFile accepts sequences/<file>.xml and endpoints/<file>.xml
// only: one level, a clean plain name.
func checkEntryFile(name string) error {
	if path.Clean(name) != name {
		return fmt.Errorf("%w: %q: not a clean path", ErrInvalid, name)
	}
	dir, base := path.Split(name)
	if (dir != "sequences/" && dir != "endpoints/") || !plainName.MatchString(base) {
		return fmt.Errorf("%w: %q: entries must be sequences/<name>.xml or endpoints/<name>.xml", ErrInvalid, name)
	}
	if !sequences.IsSequenceFile(base) {
		return fmt.Errorf("%w: %q: not an .xml file", ErrInvalid, name)
	}
	return nil
}

// validate checks the manifest's own fields and fills entry defaults.
func (m *Manifest) validate() error {
	if !plainName.MatchString(m.Name) || strings.HasPrefix(m.Name, ".") {
		return fmt.Errorf("%w: manifest.json: name %q must be letters, digits, '.', '_' or '-' (not starting with '.')", ErrInvalid, m.Name)
	}
	if !plainName.MatchString(m.Version) {
		return fmt.Errorf("%w: manifest.json: version %q must be letters, digits, '.', '_' or '-'", ErrInvalid, m.Version)
	}
	for _, g := range m.Groups {
		if !plainName.MatchString(g) {
			return fmt.Errorf("%w: manifest.json: group %q must be letters, digits, '.', '_' or '-'", ErrInvalid, g)
		}
	}
	if m.Groups == nil {
		m.Groups = []string{}
	}
	if len(m.Entries) == 0 {
		return fmt.Errorf("%w: manifest.json: no entries", ErrInvalid)
	}
	seen := map[string]bool{}
	for i := range m.Entries {
		e := &m.Entries[i]
		if err := checkEntryFile(e.File); err != nil {
			return fmt.Errorf("manifest.json: entries[%d]: %w", i, err)
		}
		if seen[e.File] {
			return fmt.Errorf("%w: manifest.json: entries[%d]: %q listed twice", ErrInvalid, i, e.File)
		}
		seen[e.File] = true
		if e.Tenant == "" {
			e.Tenant = defaultTenant
		}
		switch e.Deploy {
		case "":
			e.Deploy = DeployImmediate
		case DeployImmediate, DeployDeferred:
		default:
			return fmt.Errorf("%w: manifest.json: entries[%d]: deploy %q must be immediate or deferred", ErrInvalid, i, e.Deploy)
		}
	}
	return nil
}

// readEntries matches the manifest against the zip (every entry present,
// no stray file), reads and compiles each entry, and refuses two entries
// providing one name to one tenant.
func (b *Bundle) readEntries(members map[string]*zip.File, lim Limits) error {
	listed := map[string]bool{"manifest.json": true}
	for _, e := range b.Manifest.Entries {
		listed[e.File] = true
	}
	for name := range members {
		if !listed[name] {
			return fmt.Errorf("%w: %q is in the zip but not listed in manifest.json", ErrInvalid, name)
		}
	}
	provided := map[string]string{}
	for _, e := range b.Manifest.Entries {
		f := members[e.File]
		if f == nil {
			return fmt.Errorf("%w: manifest.json lists %q, missing from the zip", ErrInvalid, e.File)
		}
		ef, err := compileEntry(b.Manifest.Name, e, f)
		if err != nil {
			return err
		}
		key := e.Tenant + " " + ef.kind + " " + ef.name
		if prev, dup := provided[key]; dup {
			return fmt.Errorf("%w: %q and %q both provide %s %q to tenant %s", ErrInvalid, prev, e.File, ef.kind, ef.name, e.Tenant)
		}
		provided[key] = e.File
		b.files = append(b.files, ef)
	}
	return nil
}

// compileEntry reads one entry and compiles it with the compiler the
// deploy package uses, so that an entry that installs also deploys.
func compileEntry(bundle string, e Entry, f *zip.File) (entryFile, error) {
	ef := entryFile{Entry: e}
	src := bundle + "/" + e.File
	if strings.HasPrefix(e.File, "sequences/") {
		data, err := readMember(f, sequences.MaxFileSize)
		if err != nil {
			return ef, err
		}
		seq, err := sequences.Compile(src, data)
		if err != nil {
			return ef, fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		ef.kind, ef.name, ef.data = "sequence", seq.Name, data
		return ef, nil
	}
	data, err := readMember(f, endpoint.MaxFileSize)
	if err != nil {
		return ef, err
	}
	ep, err := endpoint.CompileFile(src, data)
	if err != nil {
		return ef, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	ef.kind, ef.name, ef.data = "endpoint", ep.Name, data
	return ef, nil
}
