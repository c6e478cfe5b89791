package sequences

import (
	"errors"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/mediation"
)

func TestCompileValid(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		wantName  string
		onError   string
		refs      []string
		needsBody bool
		body      int
		warnings  int
	}{
		{
			name:     "synapse namespace",
			src:      `<sequence xmlns="http://ws.apache.org/ns/synapse" name="WSO2AM--Ext--In"><t.mark name="a" value="1"/></sequence>`,
			wantName: "WSO2AM--Ext--In", body: 1,
		},
		{
			name:     "no namespace, description child skipped",
			src:      "<sequence name=\"s\">\n<description>doc</description>\n<t.mark name=\"a\"/>\n</sequence>",
			wantName: "s", body: 1,
		},
		{
			name:     "prefixed synapse namespace",
			src:      `<syn:sequence xmlns:syn="http://ws.apache.org/ns/synapse" name="p"><syn:t.mark name="a"/></syn:sequence>`,
			wantName: "p", body: 1,
		},
		{
			name:     "onError trace statistics description accepted",
			src:      `<sequence name="s" onError="fault" trace="disable" statistics="enable" description="d"/>`,
			wantName: "s", onError: "fault",
		},
		{
			name:     "static refs and body flag",
			src:      `<sequence name="s"><t.call key="a"/><t.block><t.call key="b"/><t.body/></t.block></sequence>`,
			wantName: "s", refs: []string{"a", "b"}, needsBody: true, body: 2,
		},
		{
			name:     "unknown attribute is a warning",
			src:      `<sequence name="s" onerror="typo"/>`,
			wantName: "s", warnings: 1,
		},
		{
			name:     "xml declaration and comments",
			src:      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- global -->\n<sequence name=\"s\"/>\n",
			wantName: "s",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Compile("f.xml", []byte(tt.src))
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if s.Name != tt.wantName || s.OnError != tt.onError || s.NeedsBody != tt.needsBody {
				t.Errorf("got name=%q onError=%q needsBody=%v", s.Name, s.OnError, s.NeedsBody)
			}
			if strings.Join(s.Refs, ",") != strings.Join(tt.refs, ",") {
				t.Errorf("refs = %v, want %v", s.Refs, tt.refs)
			}
			if len(s.Mediators()) != tt.body || len(s.Warnings) != tt.warnings {
				t.Errorf("body=%d warnings=%v", len(s.Mediators()), s.Warnings)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	deep := strings.Repeat("<t.block>", MaxDepth+5) + strings.Repeat("</t.block>", MaxDepth+5)
	tests := []struct {
		name string
		src  string
		want string // substring of the error, which must start with the file
	}{
		{"empty input", ``, "f.xml: no <sequence> element found"},
		{"garbage", `hello world`, "f.xml: no <sequence> element found"},
		{"truncated", "<sequence name=\"s\">\n<t.mark name=\"a\"/>", "f.xml:2: invalid xml:"},
		{"mismatched tags", "<sequence name=\"s\">\n<t.block>\n</sequence>", "f.xml:3: invalid xml: element <t.block> closed by </sequence>"},
		{"wrong root", "\n<proxy name=\"p\"/>", "f.xml:2: <proxy>: root element must be <sequence>"},
		{"wrong namespace", `<sequence xmlns="urn:other" name="s"/>`, `f.xml:1: <sequence>: root element must be <sequence> in namespace "http://ws.apache.org/ns/synapse" or none, not {urn:other}sequence`},
		{"missing name", `<sequence/>`, "f.xml:1: <sequence>: attribute name is required"},
		{"empty name", `<sequence name=""/>`, "f.xml:1: <sequence>: attribute name is required"},
		{"empty onError", `<sequence name="s" onError=""/>`, "f.xml:1: <sequence>: onError must not be empty"},
		{"unknown mediator with line", "<sequence name=\"s\">\n\n  <nosuch/>\n</sequence>", "f.xml:3: <nosuch>: unsupported mediator"},
		{"nested factory error with line", "<sequence name=\"s\">\n<t.block>\n<t.block>\n<t.mark/></t.block></t.block></sequence>", "f.xml:4: <t.mark>: attribute name is required"},
		{"two roots", "<sequence name=\"a\"/>\n<sequence name=\"b\"/>", "f.xml:2: <sequence>: a sequence file holds one root element"},
		{"undeclared entity", `<sequence name="&x;"/>`, "f.xml:1: invalid xml:"},
		{"billion laughs", `<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><sequence name="&b;"/>`, "f.xml:1: invalid xml:"},
		{"too deep", `<sequence name="s">` + deep + `</sequence>`, "f.xml:1: elements nested deeper than"},
		{"too big", `<sequence name="s">` + strings.Repeat(" ", MaxFileSize) + `</sequence>`, "f.xml: file is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Compile("f.xml", []byte(tt.src))
			if err == nil {
				t.Fatalf("Compile succeeded (%q), want error containing %q", s.Name, tt.want)
			}
			var ce *mediation.CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *mediation.CompileError: %v", err, err)
			}
			if !strings.HasPrefix(err.Error(), "f.xml") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestCompileRootLine(t *testing.T) {
	s, err := Compile("f.xml", []byte("<?xml version=\"1.0\"?>\n\n<sequence\n name=\"s\"/>"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Line != 3 || s.File != "f.xml" {
		t.Errorf("position = %s:%d, want f.xml:3", s.File, s.Line)
	}
}
