package config

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/seqgate/seqgate/mediation"
)

// yaml.v3 names an unknown key by its Go type ("field contxt not found in
// type config.API"), which means nothing to an operator; unknownKey turns
// it into the key path and the closest known key of that section.
var unknownField = regexp.MustCompile(`^\s*(?:yaml: )?line (\d+): field (\S+) not found in type (\S+)$`)

// unknownKey rewrites one yaml.v3 unknown-field line as `<line>: <key
// path>: unknown key; did you mean "<key>"?` (the suggestion when a known
// key of the same section is within a small edit distance). ok is false
// when line is not such an error.
func unknownKey(root *yaml.Node, line string) (n int, msg string, ok bool) {
	m := unknownField.FindStringSubmatch(line)
	if m == nil {
		return 0, "", false
	}
	n, _ = strconv.Atoi(m[1])
	key := m[2]
	path, steps := "", []string(nil)
	if len(root.Content) > 0 {
		if p, found := findKey(root.Content[0], key, n, nil); found {
			steps = p
			path = joinPath(p)
		}
	}
	if path == "" {
		path = key
	}
	msg = path + ": unknown key"
	if known := knownKeys(steps); len(known) > 0 {
		if s := closest(key, known); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else {
			msg += " (known: " + strings.Join(known, ", ") + ")"
		}
	}
	return n, msg, true
}

// findKey searches the document for the mapping key named key on line,
// returning its path: map keys and "[i]" sequence steps.
func findKey(n *yaml.Node, key string, line int, at []string) ([]string, bool) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			p := append(append([]string(nil), at...), k.Value)
			if k.Value == key && k.Line == line {
				return p, true
			}
			if r, ok := findKey(n.Content[i+1], key, line, p); ok {
				return r, true
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if r, ok := findKey(c, key, line, append(append([]string(nil), at...), "["+strconv.Itoa(i)+"]")); ok {
				return r, true
			}
		}
	case yaml.AliasNode:
		if n.Alias != nil {
			return findKey(n.Alias, key, line, at)
		}
	}
	return nil, false
}

func joinPath(steps []string) string {
	var b strings.Builder
	for i, s := range steps {
		if i > 0 && !strings.HasPrefix(s, "[") {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// knownKeys lists the yaml keys of the struct the last step of steps sits
// in, following Config's types along the path.
func knownKeys(steps []string) []string {
	if len(steps) == 0 {
		return nil
	}
	t := reflect.TypeOf(Config{})
	for _, s := range steps[:len(steps)-1] {
		t = deref(t)
		switch {
		case strings.HasPrefix(s, "["):
			if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
				return nil
			}
			t = t.Elem()
		case t.Kind() == reflect.Map:
			t = t.Elem()
		case t.Kind() == reflect.Struct:
			f, ok := fieldByKey(t, s)
			if !ok {
				return nil
			}
			t = f
		default:
			return nil
		}
	}
	t = deref(t)
	if t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	collectKeys(t, &keys)
	sort.Strings(keys)
	return keys
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// yamlName is a field's key and whether it is inlined.
func yamlName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("yaml")
	name, opts, _ := strings.Cut(tag, ",")
	if strings.Contains(opts, "inline") {
		return "", true
	}
	if name == "-" || !f.IsExported() {
		return "", false
	}
	if name == "" {
		name = strings.ToLower(f.Name)
	}
	return name, false
}

func fieldByKey(t reflect.Type, key string) (reflect.Type, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, inline := yamlName(f)
		if inline {
			if ft, ok := fieldByKey(deref(f.Type), key); ok {
				return ft, true
			}
			continue
		}
		if name == key {
			return f.Type, true
		}
	}
	return nil, false
}

func collectKeys(t reflect.Type, keys *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, inline := yamlName(f)
		if inline && deref(f.Type).Kind() == reflect.Struct {
			collectKeys(deref(f.Type), keys)
		} else if name != "" {
			*keys = append(*keys, name)
		}
	}
}

// closest is the known key nearest to key by edit distance, if it is near
// enough to be a typo (at most 2 edits, and fewer than half the key).
func closest(key string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		d := mediation.Levenshtein(strings.ToLower(key), k)
		if d < bestD && d*2 < len(k) {
			best, bestD = k, d
		}
	}
	return best
}

// syntaxLine is the line a YAML syntax error really is on. For "did not
// find expected key" and its kind yaml.v3 reports where the enclosing
// block starts (often a comment or key lines above the bad indentation);
// the first prefix of the document that fails with the same message ends
// on the offending line. Configs are small: at most maxScan prefixes are
// parsed, and only after the load already failed.
func syntaxLine(data []byte, reported int, msg string) int {
	const maxScan = 2000
	lines := strings.SplitAfter(string(data), "\n")
	for n := reported; n <= len(lines) && n < reported+maxScan; n++ {
		var node yaml.Node
		err := yaml.Unmarshal([]byte(strings.Join(lines[:n], "")), &node)
		if err == nil {
			continue
		}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil && m[2] == msg {
			return n
		}
		return reported // a different error first (a flow collection cut short): keep yaml's line
	}
	return reported
}
