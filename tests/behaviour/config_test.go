package behaviour

import (
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// apiKey opens every super tenant API of the test config.
const apiKey = "behaviour-key-1"

// apiDef is one API; Backend "" means <test backend>/be/<lower name>, a
// value starting with "/" is a path on the test backend.
type apiDef struct {
	Provider  string   `yaml:"provider"`
	Name      string   `yaml:"name"`
	Version   string   `yaml:"version"`
	Context   string   `yaml:"context"`
	Auth      string   `yaml:"auth"`
	Backend   []string `yaml:"backend"`
	Resources []resDef `yaml:"resources,omitempty"`
}

type resDef struct {
	Methods     []string `yaml:"methods,omitempty"`
	URITemplate string   `yaml:"uri_template"`
}

// api is admin--<name>:v1.0.0 at <context>/1.0.0 with key auth and the
// default resource (/*, all methods).
func api(name, context string) apiDef {
	return apiDef{Provider: "admin", Name: name, Version: "1.0.0", Context: context, Auth: "apikey"}
}

// configYAML renders the config for the listeners and the backend URL.
func configYAML(traffic, admin, backendURL string, apis []apiDef) string {
	out := make([]apiDef, len(apis))
	for i, a := range apis {
		switch {
		case len(a.Backend) == 0:
			a.Backend = []string{backendURL + "/be/" + strings.ToLower(a.Name)}
		case strings.HasPrefix(a.Backend[0], "/"):
			a.Backend = []string{backendURL + a.Backend[0]}
		}
		out[i] = a
	}
	doc := map[string]any{
		"listen":     map[string]string{"http": traffic, "admin": admin},
		"repository": "./home",
		"lifecycle":  map[string]string{"drain_delay": "0s"}, // stop at once on SIGTERM
		"timeouts":   map[string]string{"backend": "5s"},
		"log":        map[string]string{"flush_interval": "20ms"},
		"tenants":    []map[string]any{{"id": 1, "domain": "acme.com"}},
		"applications": []map[string]any{
			{"name": "App1", "user": "alice", "keys": []string{apiKey}},
		},
		"apis": out,
	}
	b, err := yaml.Marshal(doc)
	if err != nil {
		panic("behaviour: marshal config: " + err.Error()) // static shapes: cannot fail
	}
	return string(b)
}
