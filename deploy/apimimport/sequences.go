package apimimport

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"path"
	"regexp"
	"strings"
)

var flowFolders = [3]string{"in-sequence", "out-sequence", "fault-sequence"}

// sequence finds the project's custom sequence ref names for flow i
// (Sequences/<flow>-sequence/Custom/, or the flow folder itself for a
// shared one) and queues it under the API's per-API name, the way API-M's
// gateway deploys it. false when it is missing or unusable (reported).
func (im *importer) sequence(s *spec, i int, ref seqRef, api, tenant string) bool {
	if s.src == nil {
		return false
	}
	dir := path.Join(s.root, "Sequences", flowFolders[i])
	var foundData []byte
	var foundFile string
	for _, f := range s.src.under(dir) {
		if !strings.HasSuffix(strings.ToLower(f), ".xml") {
			continue
		}
		b, err := s.src.readFile(f)
		if err != nil {
			im.note(s.src.display(f), 0, "not read: %v", err)
			continue
		}
		n, _ := sequenceName(b)
		if n == ref.name || (n == "" && strings.TrimSuffix(path.Base(f), ".xml") == ref.name) {
			foundData, foundFile = b, f
			break
		}
	}
	if foundFile == "" {
		im.note(s.file, line(ref.node), "%s sequence %q: no file in %s with that name: left out", strings.ToLower(flows[i]), ref.name, s.src.display(dir))
		return false
	}
	newName := api + "--" + flows[i]
	out, err := renameSequence(foundData, newName)
	if err != nil {
		im.note(s.src.display(foundFile), 0, "not deployed as %s: %v", newName, err)
		return false
	}
	im.res.Sequences = append(im.res.Sequences, Sequence{Tenant: tenant, Name: newName, From: s.src.display(foundFile), Data: out})
	s.used = append(s.used, foundFile)
	return true
}

// unusedSequences reports the project's custom sequences that no flow of
// the API names (API-M would not deploy them either).
func (im *importer) unusedSequences(s *spec) {
	used := map[string]bool{}
	for _, u := range s.used {
		used[u] = true
	}
	for _, fl := range flowFolders {
		for _, f := range s.src.under(path.Join(s.root, "Sequences", fl, "Custom")) {
			if strings.HasSuffix(strings.ToLower(f), ".xml") && !used[f] {
				im.note(s.src.display(f), 0, "custom sequence not used by the API (api.yaml names no %s sequence of this name): left out", strings.TrimSuffix(fl, "-sequence"))
			}
		}
	}
}

// sequenceName is the name attribute of a document's root element (and
// whether the root is <sequence>).
func sequenceName(b []byte) (string, bool) {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.RawToken()
		if err != nil {
			return "", false
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Local == "name" && a.Name.Space == "" {
					return a.Value, se.Name.Local == "sequence"
				}
			}
			return "", se.Name.Local == "sequence"
		}
	}
}

var nameAttr = regexp.MustCompile(`(\sname\s*=\s*)("[^"]*"|'[^']*')`)

// renameSequence rewrites the root <sequence>'s name attribute in place:
// the rest of the file, lines included, stays as the author wrote it, so
// errors still point at the right line.
func renameSequence(b []byte, name string) ([]byte, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		start := d.InputOffset()
		tok, err := d.RawToken()
		if err != nil {
			return nil, fmt.Errorf("no root element: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local != "sequence" {
			return nil, fmt.Errorf("root element is <%s>, not <sequence> (a bare mediator fragment is not a sequence file)", se.Name.Local)
		}
		end := d.InputOffset()
		tag := b[start:end]
		var esc bytes.Buffer
		_ = xml.EscapeText(&esc, []byte(name))
		val := `"` + strings.ReplaceAll(esc.String(), `"`, "&quot;") + `"`
		var newTag []byte
		if loc := nameAttr.FindSubmatchIndex(tag); loc != nil {
			newTag = append(append(append([]byte{}, tag[:loc[4]]...), val...), tag[loc[5]:]...)
		} else {
			i := len("<") + len(se.Name.Local)
			if se.Name.Space != "" {
				i += len(se.Name.Space) + 1
			}
			newTag = append(append(append([]byte{}, tag[:i]...), " name="+val...), tag[i:]...)
		}
		out := append(append(append([]byte{}, b[:start]...), newTag...), b[end:]...)
		return out, nil
	}
}
