package apimimport

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/sequences"
)

// API-M 4.1+ attaches operation policies instead of sequences: each a
// Jinja template (Policies/<name>_<version>.j2) rendered with the
// attributes api.yaml gives it. API-M's gateway puts the API-level ones
// in the API's In/Out/Fault sequence and the per-operation ones in a
// switch on fn:concat($ctx:REST_METHOD,'_',$ctx:API_ELECTED_RESOURCE);
// the import builds the same sequence. Templates are rendered with the
// gateway's Jinja subset (sequences.RenderJ2: {{ attribute }}, if/else/endif
// on attributes); one using more (loops, filters) or an attribute api.yaml
// does not give is reported and left out, never half-rendered.

// policyRef is one entry of operationPolicies / apiPolicies.
type policyRef struct {
	name, version string
	params        *yaml.Node
	node          *yaml.Node
}

func readPolicyRefs(n *yaml.Node) []policyRef {
	var out []policyRef
	for _, p := range items(n) {
		out = append(out, policyRef{name: str(get(p, "policyName")), version: str(get(p, "policyVersion")), params: get(p, "parameters"), node: p})
	}
	return out
}

// renderPolicy renders one policy's template, or says why it cannot.
func (im *importer) renderPolicy(s *spec, ref policyRef) ([]byte, string, bool) {
	dir := path.Join(s.root, "Policies")
	var file string
	for _, c := range []string{ref.name + "_" + ref.version + ".j2", ref.name + ".j2"} {
		if s.src.has(path.Join(dir, c)) {
			file = path.Join(dir, c)
			break
		}
	}
	if file == "" {
		im.note(s.file, line(ref.node), "policy %s %s: no template %s/%s_%s.j2 in the project: left out", ref.name, ref.version, s.src.display(dir), ref.name, ref.version)
		return nil, "", false
	}
	tmpl, err := s.src.readFile(file)
	if err != nil {
		im.note(s.src.display(file), 0, "not read: %v", err)
		return nil, "", false
	}
	params := map[string]string{}
	for _, kv := range pairs(ref.params) {
		if kv[1].Kind != yaml.ScalarNode {
			im.note(s.file, line(kv[0]), "policy %s: attribute %s is not a plain value: policy left out", ref.name, kv[0].Value)
			return nil, "", false
		}
		params[kv[0].Value] = kv[1].Value
	}
	// the gateway's renderer (sequences.RenderJ2): {{ attr }} and
	// if/else/endif on attributes; anything else is named with its line
	out, err := sequences.RenderJ2(s.src.display(file), tmpl, params)
	if err != nil {
		var ce *mediation.CompileError
		if errors.As(err, &ce) && strings.HasPrefix(ce.Msg, "attribute ") {
			im.note(s.file, line(ref.node), "policy %s: its template's %s in api.yaml: left out", ref.name, ce.Msg)
		} else if errors.As(err, &ce) {
			im.note(ce.File, ce.Line, "%s: policy %s left out", ce.Msg, ref.name)
		} else {
			im.note(s.src.display(file), 0, "%v: policy %s left out", err, ref.name)
		}
		return nil, "", false
	}
	if err := wellFormed(out); err != nil {
		im.note(s.src.display(file), 0, "rendered policy %s is not XML mediators: %v: left out", ref.name, err)
		return nil, "", false
	}
	return out, s.src.display(file), true
}

// wellFormed checks that a fragment is a sequence of well-formed elements.
func wellFormed(b []byte) error {
	d := xml.NewDecoder(io.MultiReader(strings.NewReader("<x>"), bytes.NewReader(b), strings.NewReader("</x>")))
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// policySequences builds the API's In/Out/Fault sequences from its
// API-level and per-operation policies. It returns the flows built.
func (im *importer) policySequences(s *spec, api, tenant string, haveSeq [3]bool) []string {
	var built []string
	for fl := 0; fl < 3; fl++ {
		var body bytes.Buffer
		n := 0
		for _, ref := range s.apiPolicies[fl] {
			if frag, from, ok := im.renderPolicy(s, ref); ok {
				fmt.Fprintf(&body, "    <!-- API policy %s %s (%s) -->\n%s\n", comment(ref.name), comment(ref.version), comment(from), indent(frag, "    "))
				n++
			}
		}
		var cases bytes.Buffer
		for _, o := range s.ops {
			var c bytes.Buffer
			for _, ref := range o.policies[fl] {
				if frag, from, ok := im.renderPolicy(s, ref); ok {
					fmt.Fprintf(&c, "            <!-- %s %s (%s) -->\n%s\n", comment(ref.name), comment(ref.version), comment(from), indent(frag, "            "))
					n++
				}
			}
			if c.Len() > 0 {
				var re bytes.Buffer
				_ = xml.EscapeText(&re, []byte(regexp.QuoteMeta(o.verb+"_"+o.target)))
				fmt.Fprintf(&cases, "        <case regex=\"%s\">\n%s        </case>\n", re.String(), c.String())
			}
		}
		if n == 0 {
			continue
		}
		if haveSeq[fl] {
			im.note(s.file, 0, "%s: both a %s sequence and %s policies: the sequence is kept, the policies left out", api, strings.ToLower(flows[fl]), strings.ToLower(flows[fl]))
			continue
		}
		if cases.Len() > 0 {
			fmt.Fprintf(&body, "    <switch source=\"fn:concat($ctx:REST_METHOD,'_',$ctx:API_ELECTED_RESOURCE)\">\n%s    </switch>\n", cases.String())
		}
		var seq bytes.Buffer
		var nm bytes.Buffer
		_ = xml.EscapeText(&nm, []byte(api+"--"+flows[fl]))
		fmt.Fprintf(&seq, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Built by seqgate import from the operation policies of %s -->\n<sequence xmlns=\"http://ws.apache.org/ns/synapse\" name=\"%s\">\n%s</sequence>\n",
			comment(s.file), nm.String(), body.String())
		im.res.Sequences = append(im.res.Sequences, Sequence{Tenant: tenant, Name: api + "--" + flows[fl], From: s.src.display(path.Join(s.root, "Policies")), Data: seq.Bytes()})
		built = append(built, flows[fl])
	}
	return built
}

func indent(b []byte, pre string) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	for i, l := range lines {
		lines[i] = pre + strings.TrimRight(l, " \t\r")
	}
	return strings.Join(lines, "\n")
}

// comment makes s safe inside an XML comment ("--" may not appear there).
func comment(s string) string {
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "- -")
	}
	return strings.TrimSuffix(s, "-")
}
