package sequences

import (
	"path/filepath"
	"strings"

	"github.com/beevik/etree"

	"github.com/seqgate/seqgate/mediation"
)

// API-M 4.x stores some sequences as bare mediator fragments, with no
// <sequence> root: the SOAP-to-REST in/out sequences it generates per
// resource, "sequence backend" files and rendered operation policies. A
// file whose top-level elements are all mediators (one or several, e.g.
// <property/><payloadFactory/>) deploys as a sequence named after the
// file: orders_GET.xml is sequence "orders_GET". A root that is another
// Synapse artefact (<api>, <endpoint>, <localEntry>...) is still refused.

// FragmentName is the sequence name a fragment file deploys as: its base
// name without .xml or .j2.
func FragmentName(file string) string {
	base := filepath.Base(file)
	for _, ext := range []string{".xml", ".j2"} {
		if strings.HasSuffix(base, ext) {
			return strings.TrimSuffix(base, ext)
		}
	}
	return base
}

// fragmentRoot returns a <sequence name=FragmentName(file)> holding doc's
// top-level elements when they are all mediators (a <sequence> root with a
// name is a definition, not a fragment), else nil. The elements are moved,
// not copied, so the line of each stays known to the compiler.
func fragmentRoot(doc *etree.Document, file string) *etree.Element {
	roots := doc.ChildElements()
	if len(roots) == 0 {
		return nil
	}
	for _, r := range roots {
		if _, ok := mediation.Lookup(r.Tag); !ok || !mediation.IsSynapse(r) {
			return nil
		}
		if _, ref := mediation.Attr(r, "key"); r.Tag == "sequence" && !ref {
			return nil // a definition, not a <sequence key> reference: compileRoot and singleRoot explain
		}
	}
	seq := etree.NewElement("sequence")
	seq.CreateAttr("name", FragmentName(file))
	for _, r := range roots {
		doc.RemoveChild(r)
		seq.AddChild(r)
	}
	return seq
}
