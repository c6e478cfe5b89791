package config

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/invopop/jsonschema"
	validator "github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v3"
)

// schemaFile is the JSON Schema of the config, for editor completion and
// checks (yaml-language-server, IntelliJ, VS Code). It is generated from
// the Config types and their doc comments by generateSchema; TestSchema
// fails when it is stale (SEQGATE_UPDATE_SCHEMA=1 rewrites it).
const schemaFile = "seqgate.schema.json"

// generateSchema reflects Config into a JSON Schema (draft 2020-12): yaml
// names, field comments as descriptions, no additional properties (an
// editor underlines a misspelt key, as `seqgate check` does). The
// generator lives in a test so that the binary does not carry it.
func generateSchema(t *testing.T) []byte {
	t.Helper()
	r := &jsonschema.Reflector{
		FieldNameTag:               "yaml",
		RequiredFromJSONSchemaTags: true, // every key is optional: defaults fill the rest
		Mapper: func(ty reflect.Type) *jsonschema.Schema {
			if ty == reflect.TypeOf(Duration(0)) {
				return &jsonschema.Schema{Type: "string",
					Description: `a Go duration: "300ms", "30s", "1m", "1h30m"`,
					Pattern:     `^(\$\{[^}]+\}|\$env\{[^}]+\}|[0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`}
			}
			return nil
		},
	}
	if err := r.AddGoComments("github.com/seqgate/seqgate/deploy/config", "."); err != nil {
		t.Fatal(err)
	}
	s := r.Reflect(&Config{})
	for _, d := range s.Definitions {
		allowEnv(d)
	}
	s.ID = "https://github.com/seqgate/seqgate/deploy/config/seqgate.schema.json"
	s.Title = "seqgate configuration"
	s.Description = "The gateway's YAML config (seqgate run -config). Reference: deploy/config/README.md."
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // descriptions keep their <, > and &
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// envRef is a ${VAR}, ${VAR:-default} or $env{VAR} reference (env.go):
// any value may be one, so a number or a boolean may also be written as a
// string holding one.
var envRef = &jsonschema.Schema{Type: "string", Pattern: `\$(env)?\{[^}]+\}`}

// allowEnv lets every number and boolean below s be an envRef string.
func allowEnv(s *jsonschema.Schema) {
	if s == nil {
		return
	}
	switch s.Type {
	case "integer", "number", "boolean":
		s.AnyOf = []*jsonschema.Schema{{Type: s.Type}, envRef}
		s.Type = ""
	}
	if s.Properties != nil {
		for p := s.Properties.Oldest(); p != nil; p = p.Next() {
			allowEnv(p.Value)
		}
	}
	allowEnv(s.Items)
	allowEnv(s.AdditionalProperties)
}

func TestSchema(t *testing.T) {
	gen := generateSchema(t)
	have, err := os.ReadFile(schemaFile)
	if os.Getenv("SEQGATE_UPDATE_SCHEMA") == "1" {
		if err := os.WriteFile(schemaFile, gen, 0o644); err != nil {
			t.Fatal(err)
		}
		have, err = gen, nil
	}
	if err != nil {
		t.Fatalf("%v (generate it: SEQGATE_UPDATE_SCHEMA=1 go test -run TestSchema ./deploy/config)", err)
	}
	if !bytes.Equal(have, gen) {
		t.Fatalf("%s is stale: the config types changed (SEQGATE_UPDATE_SCHEMA=1 go test -run TestSchema ./deploy/config)", schemaFile)
	}

	c := validator.NewCompiler()
	doc, err := validator.UnmarshalJSON(bytes.NewReader(gen))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource(schemaFile, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaFile)
	if err != nil {
		t.Fatalf("the generated schema does not compile: %v", err)
	}

	// Every config this repository ships or tests with as valid is valid
	// against the schema...
	good := []string{"../../samples/config.yaml", "testdata/full.yaml", "testdata/env.yaml"}
	for _, f := range good {
		if err := sch.Validate(yamlDoc(t, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	// ...and what seqgate check refuses as a key or a type, the schema
	// refuses too.
	bad := []struct{ name, yaml, want string }{
		{"unknown top-level key", "listen: {http: ':1'}\nrepositroy: ./r\n", "repositroy"},
		{"unknown nested key", "limits: {max_body_byte: 10}\n", "max_body_byte"},
		{"wrong type", "limits: {max_body_bytes: lots}\n", "max_body_bytes"},
		{"bad duration", "timeouts: {backend: 30 seconds}\n", "backend"},
		{"list expected", "apis: {name: x}\n", "apis"},
	}
	for _, b := range bad {
		var v any
		if err := yaml.Unmarshal([]byte(b.yaml), &v); err != nil {
			t.Fatal(err)
		}
		err := sch.Validate(v)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: schema says %v, want an error naming %q", b.name, err, b.want)
		}
	}
}

// yamlDoc reads a YAML file as the generic value a JSON Schema validates.
func yamlDoc(t *testing.T, path string) any {
	t.Helper()
	data, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}
