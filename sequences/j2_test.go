package sequences

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderJ2: the supported Jinja subset renders with values, keeps the
// template's line numbers, XML-escapes values, and refuses the rest with
// file:line.
func TestRenderJ2(t *testing.T) {
	vals := map[string]string{"name": "X-A", "on": "true", "off": "false", "v": `a"<b`, "mode": "fast"}
	out, err := RenderJ2("p.j2", []byte("{# c\n #}{% if on %}A{{ name }}{% else %}B{% endif %}\n"+
		"{% if off %}C{% endif %}{% if not off %}D{% endif %}{% if missing is defined %}E{% endif %}{% if missing is not defined %}F{% endif %}\n"+
		"{% if mode == 'fast' %}G{% endif %}{% if mode != \"fast\" %}H{% endif %}{{v}}\n"), vals)
	if err != nil {
		t.Fatal(err)
	}
	if want := "\nAX-A\nDF\nGa&#34;&lt;b\n"; string(out) != want {
		t.Errorf("rendered %q, want %q", out, want)
	}
	big := map[string]string{"v": strings.Repeat("x", 1<<20)}
	if _, err := RenderJ2("p.j2", []byte(strings.Repeat("{{v}}", 5)), big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a rendering past MaxFileSize: %v", err)
	}
	for src, want := range map[string]string{
		"a\n{% for x in y %}":     "p.j2:2: <j2>: {% for x in y %}: unsupported Jinja tag",
		"a\n\n{{ name | upper }}": "p.j2:3: <j2>: {{ name | upper }}: only {{ attribute }}",
		"{{ nope }}":              `p.j2:1: <j2>: attribute "nope" has no value`,
		"{% if on %}x":            "not closed by {% endif %}",
		"{% endif %}":             "{% endif %} without an open {% if %}",
		"{% if on %}{% else %}{% else %}{% endif %}": "{% else %} without an open {% if %}",
		"x {{ name": "p.j2:1: <j2>: unterminated {{",
	} {
		if _, err := RenderJ2("p.j2", []byte(src), vals); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want %q", src, err, want)
		}
	}
}

// TestCompileFragmentAndJ2: bare mediators compile as a sequence named by
// the file; other roots keep their refusal; a .j2 takes its spec's
// defaults and names required attributes without one.
func TestCompileFragmentAndJ2(t *testing.T) {
	seq, err := Compile("/x/orders_GET.xml", []byte(`<?xml version="1.0"?>
<property xmlns="http://ws.apache.org/ns/synapse" name="a" value="1"/>
<log/>`))
	if err != nil {
		t.Fatal(err)
	}
	if seq.Name != "orders_GET" || seq.Line != 2 || len(seq.Mediators()) != 2 {
		t.Errorf("fragment: name %q line %d, %d mediators", seq.Name, seq.Line, len(seq.Mediators()))
	}
	if _, err := Compile("api.xml", []byte(`<api xmlns="http://ws.apache.org/ns/synapse" name="a" context="/a"/>`)); err == nil ||
		!strings.Contains(err.Error(), "root element must be <sequence>") {
		t.Errorf("an <api> root: %v", err)
	}
	if _, err := Compile("two.xml", []byte(`<property name="a" value="1"/><api name="x"/>`)); err == nil {
		t.Errorf("a mediator beside a non-mediator root was accepted")
	}
	dir := t.TempDir()
	j2 := filepath.Join(dir, "p_v1.j2")
	spec := "data:\n  name: p\n  policyAttributes:\n    - {name: h, required: true, defaultValue: X-H}\n    - {name: need, required: true}\n"
	if err := os.WriteFile(filepath.Join(dir, "p_v1.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	src := []byte(`<property name="{{h}}" value="1" scope="transport"/>`)
	if _, err := Compile(j2, src); err == nil || !strings.Contains(err.Error(), "required policy attributes need have no defaultValue") {
		t.Errorf("required attribute without default: %v", err)
	}
	spec = strings.Replace(spec, "{name: need, required: true}", "{name: need, required: false}", 1)
	if err := os.WriteFile(filepath.Join(dir, "p_v1.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	if seq, err = Compile(j2, src); err != nil || seq.Name != "p_v1" {
		t.Errorf("j2: %v, %+v", err, seq)
	}
}
