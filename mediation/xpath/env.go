// Package xpath is Synapse's XPath: XPath 1.0 (github.com/antchfx/xpath,
// imported here under its own name xpath) over the payload seen as a SOAP
// envelope, plus Synapse's variables ($ctx:, $trp:, $axis2:, $url:, $body,
// $header...) and functions (get-property, base64Encode, url-encode...).
// An expression is compiled once at deploy time (Compile) and evaluated
// per request against an Env, the message; package mediation binds it to
// its MessageContext.
package xpath

import "github.com/antchfx/xmlquery"

// Env is what an evaluation reads of the message. mediation's
// MessageContext implements it.
type Env interface {
	// Property reads a property by scope, as get-property does; scope is
	// one of mediation's scope names ("default", "transport", "axis2",
	// "operation", "system", "func"...). Unset is ("", false).
	Property(scope, name string) (string, bool)
	// QueryParam is the request URI's query parameter name, decoded
	// ($url:name); ok is false when absent.
	QueryParam(name string) (v string, ok bool)
	// XMLPayload is the payload as an XML document whose root element is
	// the SOAP envelope (a plain XML, JSON or text body wrapped in one, as
	// Synapse sees it). The nodes may be changed by the caller of
	// SelectNodes; the Env owns them.
	XMLPayload() (*xmlquery.Node, error)
}

// PathEnv is an Env that can answer a plain child path (ChildPath)
// without building the document, from an index of the body's bytes. ok
// false means it cannot be sure of the answer, and the expression is then
// evaluated in full; when ok is true the answer must be the full
// evaluation's.
type PathEnv interface {
	Env
	ChildPathString(p *ChildPath) (v string, ok bool)
	ChildPathBool(p *ChildPath) (v bool, ok bool)
}

// Property scopes the rewrite reads, the names of mediation's Scope*
// constants (this package cannot import mediation, which imports it).
const (
	scopeDefault   = "default"
	scopeTransport = "transport"
	scopeAxis2     = "axis2"
	scopeOperation = "operation"
	scopeSystem    = "system"
	scopeFunc      = "func"
)

// soap11NS is the SOAP 1.1 envelope namespace (mediation.SOAP11NS).
const soap11NS = "http://schemas.xmlsoap.org/soap/envelope/"

// getPropertyScopes are the scopes accepted as the first argument of the
// two-argument get-property; any other first argument means (name, format).
var getPropertyScopes = map[string]bool{
	"axis2": true, "transport": true, "operation": true, "default": true,
	"registry": true, "system": true, "env": true, "func": true, "file": true,
}

// IsPropertyScope reports whether s is a scope get-property accepts as its
// first argument: get-property('axis2', 'x') reads axis2's x, while
// get-property('x', 'yyyy') reads x with a date format.
func IsPropertyScope(s string) bool { return getPropertyScopes[s] }

// documentElement is the document's root element, as mediation's
// (payload_xml.go): the node set "/" gives the document, written as its
// element.
func documentElement(doc *xmlquery.Node) *xmlquery.Node {
	for n := doc.FirstChild; n != nil; n = n.NextSibling {
		if n.Type == xmlquery.ElementNode {
			return n
		}
	}
	return nil
}
