package apimimport

import (
	"encoding/json"
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Projects and OpenAPI files are read as yaml.v3 nodes, not decoded into
// structs: every note the import prints can then name the line it is about,
// and the many fields API-M writes that seqgate has no use for cost nothing.
// JSON is YAML, so api.json and swagger.json read the same way.

// parseDoc parses YAML or JSON into its document's top node.
func parseDoc(data []byte, name string) (*yaml.Node, error) {
	var doc yaml.Node
	err := yaml.Unmarshal(data, &doc)
	if err != nil && strings.HasSuffix(name, ".json") {
		// JSON indented with tabs is not YAML: decode it as JSON (lines
		// are lost, nothing else).
		var v any
		if jerr := json.Unmarshal(data, &v); jerr == nil {
			err = doc.Encode(v)
			if err == nil {
				return &doc, nil
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0], nil
	}
	if doc.Kind == 0 {
		return nil, fmt.Errorf("%s: empty", name)
	}
	return &doc, nil
}

// get walks mapping keys; nil when one is missing or not a mapping.
func get(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return n
}

// str is a scalar's value ("" for anything else, null included).
func str(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// strs is a sequence of scalars, or a comma-separated scalar (API-M 3.x
// writes lists such as apiSecurity that way).
func strs(n *yaml.Node) []string {
	var out []string
	switch {
	case n == nil:
	case n.Kind == yaml.SequenceNode:
		for _, c := range n.Content {
			if v := str(c); v != "" {
				out = append(out, v)
			} else if name := str(get(c, "name")); name != "" { // [{name: Gold, ...}]
				out = append(out, name)
			}
		}
	case n.Kind == yaml.ScalarNode:
		for _, v := range strings.Split(str(n), ",") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// items is a sequence's elements (nil for anything else).
func items(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// pairs is a mapping's key/value pairs in order.
func pairs(n *yaml.Node) [][2]*yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([][2]*yaml.Node, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	return out
}

// boolean reads true/false (also "true" as a string).
func boolean(n *yaml.Node) bool {
	return strings.EqualFold(str(n), "true")
}

// line is n's line, 0 when unknown.
func line(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}
