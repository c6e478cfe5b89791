package mediation

import "github.com/seqgate/seqgate/mediation/xpath"

// xpathExpr binds a compiled Synapse XPath (package xpath) to the message:
// the MessageContext is its xpath.Env, and its xpath.PathEnv through the
// body's byte index (xpath_fast.go).
type xpathExpr struct{ x *xpath.Expr }

func compileXPath(src string, ns map[string]string) (Expression, error) {
	x, err := xpath.Compile(src, ns)
	if err != nil {
		return nil, err
	}
	return &xpathExpr{x}, nil
}

func (e *xpathExpr) String(mc *MessageContext) (string, error) { return e.x.String(mc) }
func (e *xpathExpr) Bool(mc *MessageContext) (bool, error)     { return e.x.Bool(mc) }
func (e *xpathExpr) NeedsBody() bool                           { return e.x.NeedsBody() }
func (e *xpathExpr) Source() string                            { return e.x.Source() }

// NodeSelector is implemented by compiled XPath expressions. Mediators that
// work on nodes rather than strings (enrich, makefault's detail) use it;
// the nodes are live: changing them changes the cached payload document,
// and the caller must write the body back. ok is false when the result is
// not a node set (a string, number or boolean).
type NodeSelector interface {
	SelectNodes(mc *MessageContext) (nodes []xpath.SelectedNode, ok bool, err error)
}

// SelectNodes implements NodeSelector.
func (e *xpathExpr) SelectNodes(mc *MessageContext) ([]xpath.SelectedNode, bool, error) {
	return e.x.SelectNodes(mc)
}

// javaURLEncode is java.net.URLEncoder's encoding (xpath.URLEncode), which
// the form writer (payload_form.go) uses too.
func javaURLEncode(s string) string { return xpath.URLEncode(s) }
