package mediation

import "github.com/antchfx/xmlquery"

// inheritedNS returns the namespace declarations el's subtree uses but
// that are declared only on its ancestors (nil when none: the common case
// allocates nothing beyond the walk).
func inheritedNS(el *xmlquery.Node) []xmlquery.Attr {
	if el.Parent == nil {
		return nil
	}
	var used map[string]bool
	walkPrefixes(el, func(prefix string) {
		if used == nil {
			used = map[string]bool{}
		}
		used[prefix] = true
	})
	if len(used) == 0 {
		return nil
	}
	var extra []xmlquery.Attr
	declared := func(prefix string) bool {
		for _, a := range el.Attr {
			if p, ok := NSDeclPrefix(a); ok && p == prefix {
				return true
			}
		}
		for _, a := range extra {
			if p, _ := NSDeclPrefix(a); p == prefix {
				return true
			}
		}
		return false
	}
	for n := el.Parent; n != nil; n = n.Parent {
		for _, a := range n.Attr {
			if p, ok := NSDeclPrefix(a); ok && used[p] && !declared(p) {
				extra = append(extra, a)
			}
		}
	}
	return extra
}

// NSDeclPrefix reports whether a is a namespace declaration and for which
// prefix ("" for a default namespace).
func NSDeclPrefix(a xmlquery.Attr) (string, bool) {
	switch {
	case a.Name.Space == "xmlns":
		return a.Name.Local, true
	case a.Name.Space == "" && a.Name.Local == "xmlns":
		return "", true
	}
	return "", false
}

// walkPrefixes calls fn with every prefix the subtree's element and
// attribute names use; "" for elements in a default namespace.
func walkPrefixes(n *xmlquery.Node, fn func(string)) {
	if n.Type != xmlquery.ElementNode {
		return
	}
	if n.Prefix != "" || n.NamespaceURI != "" {
		fn(n.Prefix)
	}
	for _, a := range n.Attr {
		if _, decl := NSDeclPrefix(a); !decl && a.Name.Space != "" && a.Name.Space != "xml" {
			fn(a.Name.Space) // xmlquery keeps the prefix there
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkPrefixes(c, fn)
	}
}
