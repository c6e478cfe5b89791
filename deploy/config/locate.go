package config

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// LoadLocated is Load whose errors point at the source: every problem on
// its own line as `file:line: message`, the line found from the key path
// the problem names (apis[1]...: backend[0]: ...) or from the YAML parser.
// A config reload logs this, so an operator can jump to the bad line.
func LoadLocated(path string) (*Config, error) {
	c, err := Load(path)
	if err == nil {
		return c, nil
	}
	data, rerr := os.ReadFile(path)
	if rerr != nil {
		return nil, err
	}
	return nil, Locate(path, data, err)
}

var (
	yamlLine = regexp.MustCompile(`^\s*(?:yaml: )?line (\d+): (.*)$`)
	pathStep = regexp.MustCompile(`^[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*$`)
	stepPart = regexp.MustCompile(`([a-z_]+)|\[(\d+)\]`)
)

// Locate rewrites err (from Load or Parse of data) as one `file:line:
// message` line per problem. Problems it cannot place keep `file: message`.
func Locate(file string, data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "config "+file+": ")
	var root yaml.Node
	_ = yaml.Unmarshal(data, &root) // a syntax error leaves root empty; its message has the line
	var out []string
	for _, line := range strings.Split(msg, "\n") {
		if strings.TrimSpace(line) == "" || strings.TrimSpace(line) == "yaml: unmarshal errors:" {
			continue
		}
		if n, m, ok := unknownKey(&root, line); ok {
			out = append(out, fmt.Sprintf("%s:%d: %s", file, n, m))
			continue
		}
		if m := yamlLine.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			out = append(out, fmt.Sprintf("%s:%d: %s", file, syntaxLine(data, n, m[2]), m[2]))
			continue
		}
		if n := lineOf(&root, line); n > 0 {
			out = append(out, fmt.Sprintf("%s:%d: %s", file, n, line))
			continue
		}
		out = append(out, file+": "+line)
	}
	return &LocatedError{Lines: out, Err: err}
}

// LocatedError is a config error placed in its file.
type LocatedError struct {
	Lines []string
	Err   error
}

func (e *LocatedError) Error() string { return strings.Join(e.Lines, "\n") }
func (e *LocatedError) Unwrap() error { return e.Err }

// lineOf follows the key path a problem starts with ("apis[1] (name):
// resources[0]: uri_template: ...") as deep into the document as it goes.
func lineOf(root *yaml.Node, problem string) int {
	if len(root.Content) == 0 {
		return 0
	}
	node, line := root.Content[0], 0
	for _, seg := range strings.Split(problem, ": ") {
		seg, _, _ = strings.Cut(seg, " (")
		if !pathStep.MatchString(seg) {
			break
		}
		for _, m := range stepPart.FindAllStringSubmatch(seg, -1) {
			if node = child(node, m[1], m[2]); node == nil {
				return line
			}
			line = node.Line
		}
	}
	return line
}

// child is the value under key in a mapping, or the idx-th item of a sequence.
func child(n *yaml.Node, key, idx string) *yaml.Node {
	if key != "" && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
		return nil
	}
	if i, err := strconv.Atoi(idx); err == nil && n.Kind == yaml.SequenceNode && i < len(n.Content) {
		return n.Content[i]
	}
	return nil
}
