package sequences

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/seqgate/seqgate/mediation"
)

// API-M 4.x operation policies are a Jinja2 template of Synapse mediators
// (<name>.j2) and a specification (<name>.yaml) declaring the policy's
// attributes; the publisher renders the template with the values given
// where the policy is attached. seqgate deploys a .j2 from a sequences
// folder as the fragment it renders to (sequence <name>), with the
// attribute values of the spec beside it (defaultValue), and offers
// RenderJ2 for callers that hold the values of one attachment.
//
// The Jinja subset: {{ attr }} (XML-escaped), {% if attr %} (defined, not
// empty, not "false"), {% if not attr %}, {% if attr is defined %} /
// {% if attr is not defined %}, {% if attr == 'v' %} / != , {% else %},
// {% endif %}, and {# comments #}. Any other tag, a filter, or {{ }} of an
// attribute with no value is refused with file:line. Removed text keeps
// its line breaks, so the rendered XML's lines are the template's.

// PolicySpec is what seqgate reads of an operation policy specification.
type PolicySpec struct {
	Name       string            `yaml:"name"`
	Version    string            `yaml:"version"`
	Attributes []PolicyAttribute `yaml:"policyAttributes"`
}

// PolicyAttribute is one declared attribute.
type PolicyAttribute struct {
	Name         string `yaml:"name"`
	Required     bool   `yaml:"required"`
	DefaultValue any    `yaml:"defaultValue"`
}

// ReadPolicySpec reads a spec file: the bare form of API-M's
// operation_policies/specifications, or the apictl export form with the
// spec under data:.
func ReadPolicySpec(path string) (*PolicySpec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes, larger than the %d-byte limit", path, len(b), MaxFileSize)
	}
	var doc struct {
		PolicySpec `yaml:",inline"`
		Data       *PolicySpec `yaml:"data"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if doc.Data != nil {
		return doc.Data, nil
	}
	return &doc.PolicySpec, nil
}

// Defaults are the spec's default values by attribute name.
func (s *PolicySpec) Defaults() map[string]string {
	out := map[string]string{}
	for _, a := range s.Attributes {
		if a.DefaultValue != nil {
			out[a.Name] = fmt.Sprint(a.DefaultValue)
		}
	}
	return out
}

// compileJ2 renders a .j2 file with the defaults of its spec (<name>.yaml,
// .yml or .json beside it; none: no attribute has a value) and compiles the
// result. Required attributes without a default leave the policy
// undeployable here: the error names them.
func compileJ2(file string, data []byte, res mediation.Resolver) (*Sequence, error) {
	values := map[string]string{}
	for _, specPath := range PolicySpecPaths(file) {
		spec, err := ReadPolicySpec(specPath)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, &mediation.CompileError{File: file, Msg: "policy specification: " + err.Error()}
		}
		values = spec.Defaults()
		var missing []string
		for _, a := range spec.Attributes {
			if _, ok := values[a.Name]; a.Required && !ok {
				missing = append(missing, a.Name)
			}
		}
		if len(missing) > 0 {
			return nil, &mediation.CompileError{File: file, Msg: fmt.Sprintf(
				"required policy attributes %s have no defaultValue in %s: the policy needs the values of an API operation",
				strings.Join(missing, ", "), specPath)}
		}
		break
	}
	out, err := RenderJ2(file, data, values)
	if err != nil {
		return nil, err
	}
	return compileXML(file, out, res)
}

var (
	j2Tag  = regexp.MustCompile(`(?s)\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}`)
	j2Name = `([A-Za-z_][A-Za-z0-9_]*)`
	j2Var  = regexp.MustCompile(`^\{\{-?\s*` + j2Name + `\s*-?\}\}$`)
	j2If   = regexp.MustCompile(`^\{%-?\s*if\s+(not\s+)?` + j2Name + `(\s+is\s+(not\s+)?defined|\s*(==|!=)\s*('[^']*'|"[^"]*"))?\s*-?%\}$`)
	j2Else = regexp.MustCompile(`^\{%-?\s*else\s*-?%\}$`)
	j2End  = regexp.MustCompile(`^\{%-?\s*endif\s*-?%\}$`)
)

// RenderJ2 renders an operation policy template with values (see above).
func RenderJ2(file string, src []byte, values map[string]string) ([]byte, error) {
	var out bytes.Buffer
	type frame struct{ cond, inElse bool }
	var stack []frame
	emitting := func() bool {
		for _, f := range stack {
			if f.inElse == f.cond { // in the branch not taken
				return false
			}
		}
		return true
	}
	lineOf := func(off int) int { return 1 + bytes.Count(src[:off], []byte{'\n'}) }
	fail := func(off int, format string, args ...any) error {
		return &mediation.CompileError{File: file, Line: lineOf(off), Element: "j2", Msg: fmt.Sprintf(format, args...)}
	}
	text := func(b []byte) {
		if emitting() {
			out.Write(b)
		} else {
			out.Write(bytes.Repeat([]byte{'\n'}, bytes.Count(b, []byte{'\n'})))
		}
	}
	pos := 0
	for _, m := range j2Tag.FindAllIndex(src, -1) {
		text(src[pos:m[0]])
		pos = m[1]
		tag := string(src[m[0]:m[1]])
		keepLines := bytes.Repeat([]byte{'\n'}, strings.Count(tag, "\n"))
		switch {
		case strings.HasPrefix(tag, "{#"):
			out.Write(keepLines)
		case strings.HasPrefix(tag, "{{"):
			v := j2Var.FindStringSubmatch(tag)
			if v == nil {
				return nil, fail(m[0], "%s: only {{ attribute }} is supported (no filters or expressions)", tag)
			}
			if !emitting() {
				out.Write(keepLines)
				continue
			}
			val, ok := values[v[1]]
			if !ok {
				return nil, fail(m[0], "attribute %q has no value", v[1])
			}
			_ = xml.EscapeText(&out, []byte(val))
			out.Write(keepLines)
			if out.Len() > MaxFileSize { // a value repeated many times: bounded like a file
				return nil, fail(m[0], "rendered template is larger than the %d-byte limit of a sequence file", MaxFileSize)
			}
		default:
			switch {
			case j2If.MatchString(tag):
				g := j2If.FindStringSubmatch(tag)
				not, name, test, isNot, op, lit := g[1] != "", g[2], g[3], g[4] != "", g[5], g[6]
				val, ok := values[name]
				var cond bool
				switch {
				case strings.Contains(test, "defined"):
					cond = ok != isNot
				case op != "":
					cond = ok && val == lit[1:len(lit)-1]
					if op == "!=" {
						cond = !cond
					}
				default:
					cond = ok && val != "" && !strings.EqualFold(val, "false")
				}
				if not {
					cond = !cond
				}
				stack = append(stack, frame{cond: cond})
			case j2Else.MatchString(tag):
				if len(stack) == 0 || stack[len(stack)-1].inElse {
					return nil, fail(m[0], "{%% else %%} without an open {%% if %%}")
				}
				stack[len(stack)-1].inElse = true
			case j2End.MatchString(tag):
				if len(stack) == 0 {
					return nil, fail(m[0], "{%% endif %%} without an open {%% if %%}")
				}
				stack = stack[:len(stack)-1]
			default:
				return nil, fail(m[0], "%s: unsupported Jinja tag (supported: if/else/endif on one attribute, {{ attribute }})", tag)
			}
			out.Write(keepLines)
		}
	}
	if len(stack) > 0 {
		return nil, fail(len(src), "%d {%% if %%} not closed by {%% endif %%}", len(stack))
	}
	rest := src[pos:]
	if i := bytes.Index(rest, []byte("{{")); i >= 0 {
		return nil, fail(pos+i, "unterminated {{")
	}
	if i := bytes.Index(rest, []byte("{%")); i >= 0 {
		return nil, fail(pos+i, "unterminated {%%")
	}
	text(rest)
	return out.Bytes(), nil
}

// IsPolicyTemplate reports whether a directory entry name is an operation
// policy template (.j2), deployed from a sequences folder beside the
// sequence files.
func IsPolicyTemplate(name string) bool {
	return strings.HasSuffix(name, ".j2") && !strings.HasPrefix(name, ".")
}

// PolicySpecPaths are the spec files a template at path reads (the first
// that exists): YAML as apictl exports it, or JSON as API-M ships its
// operation_policies/specifications (JSON is read as YAML).
func PolicySpecPaths(path string) []string {
	base := strings.TrimSuffix(path, ".j2")
	return []string{base + ".yaml", base + ".yml", base + ".json"}
}
