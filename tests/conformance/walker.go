// Package conformance checks seqgate against a corpus of real-world Synapse
// sequences (../shared/conformance/synapse): every file is run through the
// real binary's `seqgate validate`, and every file that uses only the
// mediators seqgate promises to support must compile.
//
// This file finds which mediators a sequence file uses, independently of
// seqgate's own compiler, so the test does not grade seqgate with seqgate.
package conformance

import (
	"errors"
	"fmt"
	"sort"

	"github.com/beevik/etree"
)

const synapseNS = "http://ws.apache.org/ns/synapse"

// Supported is the mediator set of issue #2: a file made only of these must
// compile. Their structural children (then, else, case, default, format,
// args, arg, log's property) are not mediators and are walked as such.
var Supported = map[string]bool{
	"log": true, "property": true, "header": true, "filter": true, "switch": true,
	"payloadFactory": true, "respond": true, "drop": true, "loopback": true, "sequence": true,
}

// childKind says what a child element of a mediator is.
type childKind uint8

const (
	config childKind = iota // configuration or inline content: not walked
	list                    // a container whose children are mediators
	target                  // clone/iterate <target>: an inline <sequence> holds mediators
	inline                  // an inline <sequence> (foreach): its children are mediators
)

// structure lists, per mediator, the children that hold further mediators.
// Children not listed are configuration (payloadFactory's format/args, log's
// property, inline XML of property/header, endpoints...) and are skipped, so
// nothing inside a <format> or an inline payload is taken for a mediator.
var structure = map[string]map[string]childKind{
	"filter":    {"then": list, "else": list},
	"switch":    {"case": list, "default": list},
	"validate":  {"on-fail": list},
	"throttle":  {"onAccept": list, "onReject": list},
	"cache":     {"onCacheHit": list},
	"aggregate": {"onComplete": list},
	"clone":     {"target": target},
	"iterate":   {"target": target},
	"foreach":   {"sequence": inline},
}

// allMediators are mediators whose every child is a mediator: the legacy
// <in>/<out> filters and an inline <sequence>.
var allMediators = map[string]bool{"in": true, "out": true}

// Mediators parses a sequence file and returns how often each mediator
// element occurs in it. A mediator outside the Synapse namespace is named
// "{uri}local". The root must be a <sequence>.
func Mediators(data []byte) (map[string]int, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	root := doc.Root()
	if root == nil {
		return nil, errors.New("no root element")
	}
	if name(root) != "sequence" {
		return nil, fmt.Errorf("root is <%s>, not <sequence>", name(root))
	}
	counts := map[string]int{}
	walkList(root, counts)
	return counts, nil
}

// walkList counts the children of el as mediators (skipping <description>).
func walkList(el *etree.Element, counts map[string]int) {
	for _, ch := range el.ChildElements() {
		if name(ch) == "description" {
			continue
		}
		walkMediator(ch, counts)
	}
}

func walkMediator(el *etree.Element, counts map[string]int) {
	m := name(el)
	counts[m]++
	if allMediators[m] || m == "sequence" {
		walkList(el, counts)
		return
	}
	for _, ch := range el.ChildElements() {
		kind, ok := structure[m][name(ch)]
		if !ok {
			if m == "filter" && name(ch) != "description" {
				walkMediator(ch, counts) // legacy filter: mediators as direct children
			}
			continue
		}
		switch kind {
		case list, inline:
			walkList(ch, counts)
		case target:
			for _, seq := range ch.SelectElements("sequence") {
				walkList(seq, counts)
			}
		}
	}
}

// name is the local name of a Synapse element (in the Synapse namespace or
// in none), else "{uri}local".
func name(el *etree.Element) string {
	ns := el.NamespaceURI()
	if ns == "" || ns == synapseNS {
		return el.Tag
	}
	return "{" + ns + "}" + el.Tag
}

// Unsupported returns the mediators in counts that are not in Supported,
// sorted; empty means the file must compile.
func Unsupported(counts map[string]int) []string {
	var out []string
	for m := range counts {
		if !Supported[m] {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}
