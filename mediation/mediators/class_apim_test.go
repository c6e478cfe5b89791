package mediators

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// TestAPIMGatewayInlineSequences compiles the inline in/out/fault
// sequences of the real API-M 2.x <api> files in
// ../shared/conformance/apim-gateway (see its SOURCES.md): every outSequence
// there calls ...handlers.analytics.APIMgtResponseHandler, which must be
// known. Four files are junk test APIs whose endpoint URL has no host
// ("http://", "http/appserver/resource"): those stay refused, with that
// reason.
func TestAPIMGatewayInlineSequences(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "shared", "conformance", "apim-gateway", "*", "repository",
		"deployment", "server", "synapse-configs", "default", "api", "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no API-M gateway api files under ../shared/conformance/apim-gateway (%v)", err)
	}
	badURL := map[string]bool{
		"admin--Long-name-so-we-can-test-api-cards-long-names-is-bad-though_vv1.xml": true,
		"admin--Test_new_vv1.xml": true, "admin--test11_vv1.xml": true, "admin--test_rish_vv1.xml": true,
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc := etree.NewDocument()
		if err := doc.ReadFromBytes(data); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, res := range doc.Root().SelectElements("resource") {
			for _, name := range []string{"inSequence", "outSequence", "faultSequence"} {
				for _, el := range res.SelectElements(name) {
					c := &mediation.Compiler{File: f, Lines: lineMap(data, doc)}
					_, err := c.List(el)
					switch {
					case err != nil && badURL[filepath.Base(f)] && strings.Contains(err.Error(), "<http>: uri-template: url"):
					case err != nil:
						t.Errorf("%s <%s>: %v", filepath.Base(f), name, err)
					}
					n++
				}
			}
		}
	}
	if n < 50 {
		t.Errorf("compiled %d inline sequences, want at least 50 (26 files)", n)
	}
}
