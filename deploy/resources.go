package deploy

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/beevik/etree"

	"github.com/seqgate/seqgate/mediation"
)

// A tenant's local entries and registry resources are the things Synapse
// keys name (<sequence key>, <endpoint key>, payloadFactory <format key>,
// <schema key>, <script key>). They are read with the tenant's other
// folders, put in one immutable resourceSet per reload, and every sequence
// compiles against that set (mediation.Compiler.Resolver): a key is
// resolved at deploy time, and an unknown gov:/conf: key refuses the file
// that uses it with file:line. A change to a resource recompiles exactly
// the files that looked its key up (Sequence.Resources), as a library
// change redeploys the APIs using it.
//
// Layout (per tenant, beside synapse-configs): local entries are
// synapse-configs/default/local-entries/*.xml; the registry is the
// Micro Integrator's file-based registry, <home>/registry/{governance,config}
// for the super tenant and repository/tenants/<id>/registry/{governance,config}
// for a tenant. gov:/a/b.xml is <registry>/governance/a/b.xml and conf:/a/b
// is <registry>/config/a/b.

// Bounds on resources (deploy time only).
const (
	maxResourceSize  = 4 << 20 // bytes per local entry file or registry file
	maxResourceDepth = 128     // XML nesting
	maxRegistryFiles = 10000   // files per tenant registry
	maxRegistryDirs  = 1000    // folders watched per tenant registry
)

// resourceSet is one tenant's local entries and registry resources,
// immutable once built. It implements mediation.Resolver.
type resourceSet struct {
	byKey map[string]*mediation.Resource
	sums  map[string][sha256.Size]byte // content hash per key: what dependents compare
	bad   map[string]string            // key -> why its file is refused (no last good version)
}

var emptyResources = &resourceSet{}

// Resolve implements mediation.Resolver. gov:a and gov:/a name the same
// resource, as in Synapse.
func (s *resourceSet) Resolve(key string) (*mediation.Resource, error) {
	if r := s.byKey[key]; r != nil { // the spelling stored: no allocation per request
		return r, nil
	}
	k := normalizeKey(key)
	if r := s.byKey[k]; r != nil {
		return r, nil
	}
	if why, ok := s.bad[k]; ok {
		return nil, fmt.Errorf("resource refused: %s", why)
	}
	return nil, fmt.Errorf("%q: %w", key, mediation.ErrNoResource)
}

// changed lists the keys whose content differs between s and prev (added,
// removed or edited).
func (s *resourceSet) changed(prev *resourceSet) map[string]bool {
	out := map[string]bool{}
	for k, sum := range s.sums {
		if p, ok := prev.sums[k]; !ok || p != sum {
			out[k] = true
		}
	}
	for k := range prev.sums {
		if _, ok := s.sums[k]; !ok {
			out[k] = true
		}
	}
	for k := range s.bad {
		if _, ok := prev.bad[k]; !ok {
			out[k] = true
		}
	}
	return out
}

func normalizeKey(key string) string {
	key = strings.TrimSpace(key)
	for _, p := range []string{"gov:", "conf:"} {
		if rest, ok := strings.CutPrefix(key, p); ok {
			return p + "/" + strings.TrimLeft(rest, "/")
		}
	}
	return key
}

// localEntry is one compiled local-entries file.
type localEntry struct {
	res *mediation.Resource
	sum [sha256.Size]byte
}

// localEntryKind compiles local-entries/*.xml; root is the repository home,
// the only place a src= file may come from.
func localEntryKind(root string) *kind[localEntry] {
	return &kind[localEntry]{folder: "local-entries", isFile: isXMLFile, maxSize: maxResourceSize, optional: true,
		compile: func(path string, data []byte) (*localEntry, error) { return compileLocalEntry(root, path, data) }}
}

func isXMLFile(name string) bool {
	return strings.HasSuffix(strings.ToLower(name), ".xml") && !strings.HasPrefix(name, ".")
}

// compileLocalEntry reads <localEntry key="k"> holding inline XML (one
// element), inline text, or src= a file inside the repository home.
// A src naming anything else (http:, another path) is refused: deploy must
// not reach the network, and a repository must not read files outside it.
func compileLocalEntry(root, path string, data []byte) (*localEntry, error) {
	doc, lines, err := mediation.ReadConfigFile(path, data, maxResourceSize, maxResourceDepth)
	if err != nil {
		return nil, err
	}
	roots := doc.ChildElements()
	if len(roots) != 1 {
		return nil, &mediation.CompileError{File: path, Msg: "a local entry file holds exactly one <localEntry> element"}
	}
	c := &mediation.Compiler{File: path, Lines: lines}
	el := roots[0]
	if el.Tag != "localEntry" || !mediation.IsSynapse(el) {
		return nil, c.Errorf(el, "root element must be <localEntry>")
	}
	key, _ := mediation.Attr(el, "key")
	if strings.TrimSpace(key) == "" {
		return nil, c.Errorf(el, "attribute key is required and must not be empty")
	}
	res := &mediation.Resource{Key: key, File: path, Line: c.Line(el), Lines: lines}
	children := el.ChildElements()
	text := strings.TrimSpace(charText(el))
	src, hasSrc := mediation.Attr(el, "src")
	switch {
	case hasSrc && (len(children) > 0 || text != ""):
		return nil, c.Errorf(el, "use either src= or inline content, not both")
	case hasSrc:
		if err := readSrc(root, src, res); err != nil {
			return nil, c.Errorf(el, "src=%q: %v", src, err)
		}
	case len(children) > 1:
		return nil, c.Errorf(children[1], "a local entry holds one element (or text); found a second one")
	case len(children) == 1:
		if text != "" {
			return nil, c.Errorf(el, "a local entry holds one element or text, not both")
		}
		res.XML = children[0]
		if res.Text, err = serialize(children[0]); err != nil {
			return nil, c.Errorf(children[0], "%v", err)
		}
	default:
		res.Text = charText(el)
	}
	return &localEntry{res: res, sum: sha256.Sum256([]byte(res.Text))}, nil
}

// readSrc loads a src= file: a file: URL or a relative path, resolved
// against the repository home (Synapse resolves it against its working
// folder, which is the home) and required to stay inside it.
func readSrc(root, src string, res *mediation.Resource) error {
	p := strings.TrimSpace(src)
	if i := strings.Index(p, ":"); i > 1 { // a scheme (not a Windows drive letter)
		scheme := strings.ToLower(p[:i])
		if scheme != "file" {
			return fmt.Errorf("only a file inside the repository is read (scheme %q refused: no network at deploy time)", scheme)
		}
		p = strings.TrimPrefix(p[i+1:], "//")
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(root, p)
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return err
	}
	rootReal, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(rootReal, real); err != nil || !filepath.IsLocal(rel) {
		return fmt.Errorf("only a file inside the repository (%s) is read", root)
	}
	data, err := readBounded(real)
	if err != nil {
		return err
	}
	return parseResource(real, data, res)
}

func readBounded(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if fi.Size() > maxResourceSize {
		return nil, fmt.Errorf("file is %d bytes, larger than the %d-byte limit", fi.Size(), maxResourceSize)
	}
	return os.ReadFile(path)
}

// parseResource fills res from a file's content: XML when it starts with
// '<' (its root element, lines mapped for errors), text otherwise.
func parseResource(path string, data []byte, res *mediation.Resource) error {
	trimmed := bytes.TrimSpace(data)
	if !bytes.HasPrefix(trimmed, []byte("<")) {
		res.Text = string(data)
		return nil
	}
	doc, lines, err := mediation.ReadConfigFile(path, data, maxResourceSize, maxResourceDepth)
	if err != nil {
		return err
	}
	roots := doc.ChildElements()
	if len(roots) != 1 {
		return &mediation.CompileError{File: path, Msg: "an XML resource holds exactly one root element"}
	}
	res.XML, res.Lines, res.File = roots[0], lines, path
	res.Text, err = serialize(roots[0])
	return err
}

func serialize(el *etree.Element) (string, error) {
	d := etree.NewDocument()
	d.SetRoot(el.Copy())
	return d.WriteToString()
}

func charText(el *etree.Element) string {
	var b strings.Builder
	for _, t := range el.Child {
		if cd, ok := t.(*etree.CharData); ok {
			b.WriteString(cd.Data)
		}
	}
	return b.String()
}

// buildResources puts the local entries (deploy order: a later file
// claiming a taken key is refused, its last good version serving if that
// key is free) and the registry files into one set. A local entry shadows
// a registry resource of the same key, as Synapse looks local entries up
// first.
func buildResources(files []*file[localEntry], reg *registry) (*resourceSet, []FileStatus) {
	s := &resourceSet{byKey: map[string]*mediation.Resource{}, sums: map[string][sha256.Size]byte{}, bad: map[string]string{}}
	from := map[string]string{}
	out := make([]FileStatus, len(files))
	for i, f := range files {
		le, err := f.offer()
		if le != nil {
			k := normalizeKey(le.res.Key)
			if prev, dup := from[k]; dup {
				err = &mediation.CompileError{File: f.path, Line: le.res.Line, Element: "localEntry",
					Msg: fmt.Sprintf("local entry %q is already defined in %s; refused from %s", le.res.Key, prev, f.path)}
				le = nil
				if g := f.good; g != nil && g != f.latest && from[normalizeKey(g.res.Key)] == "" {
					le = g
				}
			}
		}
		st := FileStatus{File: f.name, Path: f.path, State: StateActive, Sequences: []string{}}
		if le != nil {
			k := normalizeKey(le.res.Key)
			s.byKey[k], s.sums[k], from[k], f.good = le.res, le.sum, f.path, le
			st.Keys = []string{le.res.Key}
		}
		if err != nil {
			st.State, st.Error, st.ServingLastGood = StateRefused, err.Error(), le != nil
		}
		out[i] = st
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	for _, f := range reg.files {
		switch {
		case s.byKey[f.key] != nil:
		case f.good != nil:
			s.byKey[f.key], s.sums[f.key] = f.good, f.sum
		case f.err != "":
			s.bad[f.key] = f.err
		}
	}
	return s, out
}
