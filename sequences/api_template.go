package sequences

import (
	"fmt"
	"strings"
)

// CheckAPITemplate checks a resource's url-mapping or uri-template the way
// Synapse's dispatchers read them. url-mapping: an exact path (/menu), a
// prefix (/menu/* or /*) or an extension (*.jsp). uri-template: segments of
// literals and {var}, a last {+var} (the rest of the path) or /*, and an
// optional query part ?name={var}&...
func CheckAPITemplate(t string, urlMapping bool) error {
	if urlMapping {
		switch {
		case strings.HasPrefix(t, "*."):
			if len(t) == 2 || strings.ContainsAny(t[2:], "/*{}?") {
				return fmt.Errorf("an extension mapping is *.<ext>")
			}
			return nil
		case !strings.HasPrefix(t, "/"):
			return fmt.Errorf("must start with / or *.")
		case strings.ContainsAny(t, "{}?"):
			return fmt.Errorf("a url-mapping has no variables or query (use uri-template)")
		}
		p := strings.TrimSuffix(strings.TrimSuffix(t, "*"), "/")
		if strings.Contains(p, "*") {
			return fmt.Errorf("* is allowed only as the last segment")
		}
		return nil
	}
	if !strings.HasPrefix(t, "/") {
		return fmt.Errorf("must start with /")
	}
	path, query, hasQ := strings.Cut(t, "?")
	segs := strings.Split(path[1:], "/")
	seen := map[string]bool{}
	checkVar := func(name string) error {
		if name == "" || strings.ContainsAny(name, "{}*/+?&=") {
			return fmt.Errorf("bad variable name %q", name)
		}
		if seen[name] {
			return fmt.Errorf("variable {%s} used twice", name)
		}
		seen[name] = true
		return nil
	}
	for i, s := range segs {
		last := i == len(segs)-1
		switch {
		case s == "*":
			if !last {
				return fmt.Errorf("* is allowed only as the last segment")
			}
		case strings.HasPrefix(s, "{+") && strings.HasSuffix(s, "}"):
			if !last {
				return fmt.Errorf("{+%s} is allowed only as the last segment", s[2:len(s)-1])
			}
			if err := checkVar(s[2 : len(s)-1]); err != nil {
				return err
			}
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
			if err := checkVar(s[1 : len(s)-1]); err != nil {
				return err
			}
		case strings.ContainsAny(s, "{}*"):
			return fmt.Errorf("segment %q: a variable or * must be a whole segment", s)
		case s == "" && !last:
			return fmt.Errorf("empty segment (//)")
		}
	}
	if hasQ {
		for _, kv := range strings.Split(query, "&") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" || !strings.HasPrefix(v, "{") || !strings.HasSuffix(v, "}") {
				return fmt.Errorf("query part %q: must be name={var}", kv)
			}
			if err := checkVar(v[1 : len(v)-1]); err != nil {
				return err
			}
		}
	}
	return nil
}
