package seqtest

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Matcher checks one string: a YAML scalar means equals; a mapping takes
// equals, contains, matches (a Go regular expression, unanchored) and
// absent. absent alone means the value must not be there (a header); with
// another check it negates it (for logs: no line contains ...).
type Matcher struct {
	Equals   *string
	Contains *string
	Matches  *regexp.Regexp
	Absent   bool
}

// UnmarshalYAML compiles the matcher when the file is loaded.
func (m *Matcher) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		v := n.Value
		m.Equals = &v
		return nil
	}
	var raw struct {
		Equals   *string `yaml:"equals"`
		Contains *string `yaml:"contains"`
		Matches  *string `yaml:"matches"`
		Absent   bool    `yaml:"absent"`
	}
	if err := decodeKnown(n, &raw); err != nil {
		return err
	}
	m.Equals, m.Contains, m.Absent = raw.Equals, raw.Contains, raw.Absent
	if raw.Matches != nil {
		re, err := regexp.Compile(*raw.Matches)
		if err != nil {
			return fmt.Errorf("line %d: matches: %w", n.Line, err)
		}
		m.Matches = re
	}
	if m.Equals == nil && m.Contains == nil && m.Matches == nil && !m.Absent {
		return fmt.Errorf("line %d: a matcher needs equals, contains, matches or absent", n.Line)
	}
	return nil
}

// decodeKnown decodes the mapping n into the struct *v, refusing keys
// that have no yaml tag in it (yaml's KnownFields does not reach inside a
// custom unmarshaler), with the line of the key.
func decodeKnown(n *yaml.Node, v any) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a mapping", n.Line)
	}
	t := reflect.TypeOf(v).Elem()
	known := map[string]bool{}
	for i := range t.NumField() {
		known[strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]] = true
	}
	for i := 0; i < len(n.Content); i += 2 {
		if k := n.Content[i]; !known[k.Value] {
			return fmt.Errorf("line %d: field %s not found", k.Line, k.Value)
		}
	}
	return n.Decode(v)
}

// test reports whether v (present tells whether there is a value at all)
// passes the positive checks.
func (m *Matcher) test(v string, present bool) bool {
	if !present {
		return false
	}
	ok := true
	if m.Equals != nil {
		ok = ok && v == *m.Equals
	}
	if m.Contains != nil {
		ok = ok && strings.Contains(v, *m.Contains)
	}
	if m.Matches != nil {
		ok = ok && m.Matches.MatchString(v)
	}
	return ok
}

// hasCheck reports whether the matcher checks anything besides absent.
func (m *Matcher) hasCheck() bool { return m.Equals != nil || m.Contains != nil || m.Matches != nil }

// Check returns "" when v passes, else what was wanted.
func (m *Matcher) Check(v string, present bool) string {
	switch {
	case m.Absent && !m.hasCheck():
		if present {
			return fmt.Sprintf("want absent, got %s", strconv.Quote(v))
		}
		return ""
	case m.Absent:
		if m.test(v, present) {
			return fmt.Sprintf("want not %s, got %s", m, strconv.Quote(v))
		}
		return ""
	case !present:
		return fmt.Sprintf("want %s, got nothing", m)
	case !m.test(v, true):
		return fmt.Sprintf("want %s, got %s", m, strconv.Quote(v))
	}
	return ""
}

// String describes the positive checks, as a mismatch line shows them.
func (m *Matcher) String() string {
	var parts []string
	if m.Equals != nil {
		parts = append(parts, "equals "+strconv.Quote(*m.Equals))
	}
	if m.Contains != nil {
		parts = append(parts, "contains "+strconv.Quote(*m.Contains))
	}
	if m.Matches != nil {
		parts = append(parts, "matches /"+m.Matches.String()+"/")
	}
	return strings.Join(parts, " and ")
}
