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

	"github.com/seqgate/seqgate/deploy/atomicfile"
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
	return atomicfile.Write(filepath.Join(dir, "state.json"), data, 0o644)
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

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
