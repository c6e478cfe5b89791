package config

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Environment substitution. Secrets and per-environment addresses (backend
// URLs, listen addresses, tokens) come from the environment in containers,
// as in Caddy, KrakenD, Kong and API-M's $env{}. It is done on the parsed
// YAML tree, in scalar values only (never keys, never comments), so every
// node keeps its source line and errors still point at the right line, and
// a value holding ": " or "#" cannot change the document's structure the
// way a textual substitution would.

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expandValue substitutes ${VAR}, ${VAR:-default} and $env{VAR} in s;
// $${ and $$env{ stand for a literal ${ and $env{. The result is not
// scanned again (a variable whose value holds "${" is taken as it is). A
// variable that is unset (or empty, for ${VAR:-default}) without a default
// is an error naming it, never a silent empty string.
func expandValue(s string, lookup func(string) (string, bool)) (string, bool, error) {
	if !strings.Contains(s, "$") {
		return s, false, nil
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "$${"), strings.HasPrefix(rest, "$$env{"):
			b.WriteByte('$') // the escape: drop one $, keep the rest literal
			b.WriteString(rest[2 : strings.IndexByte(rest, '{')+1])
			i += strings.IndexByte(rest, '{') + 1
			changed = true
		case strings.HasPrefix(rest, "${"), strings.HasPrefix(rest, "$env{"):
			open := strings.IndexByte(rest, '{')
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				return "", false, fmt.Errorf("%q: unterminated %s (write $%s for a literal one)", s, rest[:open+1], rest[:open+1])
			}
			body := rest[open+1 : end]
			name, def, hasDef := body, "", false
			if open == 1 { // ${...}: a default may follow ":-"
				name, def, hasDef = strings.Cut(body, ":-")
			}
			if !envName.MatchString(name) {
				return "", false, fmt.Errorf("%q: %q is not an environment variable name", s, rest[:end+1])
			}
			v, ok := lookup(name)
			switch {
			case hasDef && v == "":
				v = def
			case !ok:
				if open == 1 {
					return "", false, fmt.Errorf("environment variable %s is not set, and %s has no default (${%s:-default})", name, rest[:end+1], name)
				}
				return "", false, fmt.Errorf("environment variable %s is not set", name)
			}
			b.WriteString(v)
			i += end + 1
			changed = true
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String(), changed, nil
}

// expandEnv substitutes in every scalar value of the tree under n. An
// untagged plain scalar that changed is re-resolved, so "max_conns:
// ${MAX_CONNS}" is an integer; a quoted one stays a string. Errors are
// "line N: ..." (the form Locate places) in document order.
func expandEnv(n *yaml.Node, lookup func(string) (string, bool), errs *[]string) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			expandEnv(c, lookup, errs)
		}
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 { // values only, never keys
			expandEnv(n.Content[i], lookup, errs)
		}
	case yaml.ScalarNode:
		v, changed, err := expandValue(n.Value, lookup)
		if err != nil {
			*errs = append(*errs, fmt.Sprintf("line %d: %v", n.Line, err))
			return
		}
		if changed {
			n.Value = v
			if n.Style == 0 { // plain and untagged: resolve the new text
				n.Tag = ""
			}
		}
	}
	// An alias shares its anchor's node, which is expanded once where it
	// is defined: following it would expand the result again.
}

var unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

// unknownFields does what yaml.v3's KnownFields does for a decoder, which
// yaml.Node.Decode cannot: a mapping key no field of t takes is an error,
// worded as yaml.v3 words it ("line N: field K not found in type T") so
// suggest.go turns it into the key path and a "did you mean".
func unknownFields(n *yaml.Node, t reflect.Type, errs *[]string) {
	t = deref(t)
	if reflect.PointerTo(t).Implements(unmarshalerType) || t.Implements(unmarshalerType) {
		return
	}
	switch {
	case n.Kind == yaml.DocumentNode:
		for _, c := range n.Content {
			unknownFields(c, t, errs)
		}
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Struct:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Value == "<<" { // a merge key: its fields are checked where the anchor is
				continue
			}
			ft, ok := fieldByKey(t, k.Value)
			if !ok {
				*errs = append(*errs, fmt.Sprintf("line %d: field %s not found in type %s", k.Line, k.Value, t.String()))
				continue
			}
			unknownFields(n.Content[i+1], ft, errs)
		}
	case n.Kind == yaml.SequenceNode && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for _, c := range n.Content {
			unknownFields(c, t.Elem(), errs)
		}
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Map:
		for i := 1; i < len(n.Content); i += 2 {
			unknownFields(n.Content[i], t.Elem(), errs)
		}
	}
}

// decodeStrict decodes data into v after environment substitution, with
// unknown keys refused. Its errors are a *yaml.TypeError of "line N: ..."
// lines in line order, as a strict yaml.v3 Decoder gives, so Locate and
// suggest.go place them unchanged.
func decodeStrict(data []byte, v any, lookup func(string) (string, bool)) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return err
	}
	if len(root.Content) == 0 { // an empty file is an empty config
		return nil
	}
	var errs []string
	expandEnv(&root, lookup, &errs)
	envErrs := len(errs)
	unknownFields(&root, reflect.TypeOf(v), &errs)
	// A value left unexpanded would only add a second, misleading error
	// on its line ("cannot unmarshal !!str `${PORT}` into int").
	if envErrs > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errLine(errs[i]) < errLine(errs[j]) })
		return &yaml.TypeError{Errors: errs}
	}
	if err := root.Decode(v); err != nil {
		te, ok := err.(*yaml.TypeError)
		if !ok {
			if len(errs) == 0 {
				return err
			}
			errs = append(errs, strings.TrimPrefix(err.Error(), "yaml: "))
		} else {
			errs = append(errs, te.Errors...)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	sort.SliceStable(errs, func(i, j int) bool { return errLine(errs[i]) < errLine(errs[j]) })
	return &yaml.TypeError{Errors: errs}
}

func errLine(s string) int {
	if m := yamlLine.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 1 << 30
}
