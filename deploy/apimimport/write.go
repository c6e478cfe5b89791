package apimimport

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// ConfigFile is the name of the config an import writes in its output folder.
const ConfigFile = "seqgate.yaml"

// Write puts the result in dir, laid out as a WSO2 home (the config's
// repository is "."): seqgate.yaml, and the sequences in
// repository/deployment/server/synapse-configs/default/sequences and
// repository/tenants/<id>/... for tenants. An
// existing seqgate.yaml is kept unless overwrite. It returns the files
// written.
func (r *Result) Write(dir string, overwrite bool, header string) ([]string, error) {
	cfgPath := filepath.Join(dir, ConfigFile)
	if _, err := os.Stat(cfgPath); err == nil && !overwrite {
		return nil, fmt.Errorf("%s exists: choose another -o folder, or -f to overwrite", cfgPath)
	}
	ids := map[string]int{"": -1234}
	for _, t := range r.Config.Tenants {
		ids[t.Domain] = t.ID
	}
	seqDir := func(tenant string) string {
		if tenant == "" {
			return filepath.Join(dir, "repository", "deployment", "server", "synapse-configs", "default", "sequences")
		}
		return filepath.Join(dir, "repository", "tenants", strconv.Itoa(ids[tenant]), "synapse-configs", "default", "sequences")
	}
	var written []string
	// Every tenant's folder exists, empty or not: run refuses a missing
	// repository, and the folder is where the user adds sequences.
	for tenant := range ids {
		if err := os.MkdirAll(seqDir(tenant), 0o755); err != nil {
			return nil, err
		}
	}
	for _, s := range r.Sequences {
		p := filepath.Join(seqDir(s.Tenant), s.Name+".xml")
		if filepath.Dir(p) != seqDir(s.Tenant) { // names were checked; belt and braces
			return nil, fmt.Errorf("sequence name %q leaves its folder", s.Name)
		}
		if err := os.WriteFile(p, s.Data, 0o644); err != nil {
			return nil, err
		}
		written = append(written, p)
	}
	data, err := r.YAML(header)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(cfgPath, data, 0o644); err != nil {
		return nil, err
	}
	return append(written, cfgPath), nil
}

// YAML is the config as written, with header as a leading comment.
func (r *Result) YAML(header string) ([]byte, error) {
	var buf bytes.Buffer
	for _, l := range strings.Split(strings.TrimRight(header, "\n"), "\n") {
		if l != "" {
			buf.WriteString("# " + l + "\n")
		}
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&r.Config); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
