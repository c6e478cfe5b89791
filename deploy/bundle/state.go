package bundle

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Info is the processed manifest of one installed bundle on this node,
// kept as installed/<name>/state.json and listed by the admin API.
type Info struct {
	Manifest    Manifest     `json:"manifest"`
	SHA256      string       `json:"sha256"`
	Node        string       `json:"node"`
	Group       string       `json:"group"`
	Targeted    bool         `json:"targeted"`
	Source      string       `json:"source"` // upload, drop or cluster
	InstalledAt time.Time    `json:"installed_at"`
	Entries     []EntryState `json:"entries"`
}

// EntryState is one entry on this node: what it provides and where it was
// written (Path is empty while it is staged or not targeted).
type EntryState struct {
	File   string `json:"file"`
	Tenant string `json:"tenant"`
	Deploy string `json:"deploy"`
	Kind   string `json:"kind"` // sequence or endpoint
	Name   string `json:"name"`
	State  string `json:"state"`
	Path   string `json:"path,omitempty"`
}

// written reports whether the entry has a file in a watched folder.
func (e *EntryState) written() bool { return e.Path != "" }

// readInfo reads installed/<name>/state.json.
func readInfo(dir string) (*Info, error) {
	data, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		return nil, err
	}
	var in Info
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "state.json"), err)
	}
	return &in, nil
}

// writeInfo replaces state.json atomically.
func writeInfo(dir string, in *Info) error {
	data, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, "state.json"), data)
}

// listInfos reads every installed bundle, by name; a folder without a
// readable state.json (a crash mid-install) is skipped.
func listInfos(installed string) ([]*Info, error) {
	des, err := os.ReadDir(installed)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Info
	for _, de := range des {
		if !de.IsDir() || de.Name()[0] == '.' {
			continue
		}
		if in, err := readInfo(filepath.Join(installed, de.Name())); err == nil {
			out = append(out, in)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Manifest.Name < out[j].Manifest.Name })
	return out, nil
}

// writeAtomic writes path through a hidden temp file in the same folder
// and a rename: a watcher never sees half a file, and two nodes sharing a
// folder that write the same bytes leave the same file.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp := filepath.Join(dir, ".bundle-"+randomSuffix()+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
