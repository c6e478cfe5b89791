// Package seqtest runs declarative test cases for sequences (*.test.yaml
// files beside them) against the real gateway: it assembles the gateway
// from a config and its repository, starts an echo backend on 127.0.0.1,
// serves the gateway on a 127.0.0.1 listener and sends every case as a
// real HTTP request, then checks what the backend saw, the response and
// the log mediator's lines. `seqgate test` and Go tests (Run) share it.
package seqtest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// File is one *.test.yaml file.
type File struct {
	// Config is the gateway config, relative to the file. Empty: the
	// nearest seqgate.yaml or config.yaml in the file's folder or above.
	Config string `yaml:"config"`
	// API describes the one API of a minimal config, used when no config
	// file is named or found.
	API   *MinimalAPI `yaml:"api"`
	Cases []Case      `yaml:"cases"`

	path string
}

// MinimalAPI is the API of a config made up for a file that has none:
// auth none, every method on /*, the echo backend.
type MinimalAPI struct {
	Provider string `yaml:"provider"`
	Name     string `yaml:"name"`
	Version  string `yaml:"version"`
	Context  string `yaml:"context"`
	Tenant   string `yaml:"tenant"`
}

// Case is one request and what must come of it.
type Case struct {
	Name    string   `yaml:"name"`
	Tenant  string   `yaml:"tenant"` // the path gets /t/<tenant> unless it has it
	Request Request  `yaml:"request"`
	Backend *Backend `yaml:"backend"` // nil: the echo backend
	Expect  Expect   `yaml:"expect"`
}

// Request is what the client sends.
type Request struct {
	Method  string            `yaml:"method"` // default GET
	Path    string            `yaml:"path"`   // with the query
	Headers map[string]string `yaml:"headers"`
	Body    string            `yaml:"body"`
}

// Backend is a stub answer given instead of the echo.
type Backend struct {
	Status  int               `yaml:"status"` // default 200
	Headers map[string]string `yaml:"headers"`
	Body    string            `yaml:"body"`
}

// Expect is checked after the case ran; empty parts are not checked.
type Expect struct {
	Upstream *Upstream          `yaml:"upstream"`
	Status   int                `yaml:"status"`
	Headers  map[string]Matcher `yaml:"headers"`
	Body     *BodyMatcher       `yaml:"body"`
	Logs     []Matcher          `yaml:"logs"`
}

// Upstream is the request as the backend received it (the last one, when
// the gateway called it more than once).
type Upstream struct {
	Called  *bool              `yaml:"called"` // false: the backend must not be called
	Method  *Matcher           `yaml:"method"`
	Path    *Matcher           `yaml:"path"`
	Query   *Matcher           `yaml:"query"`
	Headers map[string]Matcher `yaml:"headers"`
	Body    *BodyMatcher       `yaml:"body"`
}

// maxFileBytes bounds a test file.
const maxFileBytes = 4 << 20

// Load reads and checks a test file: unknown keys, bad regular
// expressions, JSONPath and XPath expressions are errors here, as
// file:line: messages where the YAML decoder gives one.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("%s: over %d bytes", path, maxFileBytes)
	}
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, locateYAML(path, err)
	}
	f.path = path
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &f, nil
}

func (f *File) check() error {
	if len(f.Cases) == 0 {
		return errors.New("no cases")
	}
	seen := map[string]bool{}
	for i, c := range f.Cases {
		switch {
		case c.Name == "":
			return fmt.Errorf("cases[%d]: name is empty", i)
		case seen[c.Name]:
			return fmt.Errorf("cases[%d]: duplicate name %q", i, c.Name)
		case !strings.HasPrefix(c.Request.Path, "/"):
			return fmt.Errorf("case %q: request.path %q does not start with /", c.Name, c.Request.Path)
		}
		seen[c.Name] = true
	}
	return nil
}

// locateYAML turns yaml's "yaml: line N: msg" into "path:N: msg".
func locateYAML(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.Replace(msg, "unmarshal errors:\n  ", "", 1)
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		return fmt.Errorf("%s:%s", path, rest)
	}
	return fmt.Errorf("%s: %s", path, msg)
}
