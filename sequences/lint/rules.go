package lint

import (
	"strings"

	"github.com/beevik/etree"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/sequences"
)

// terminal mediators stop the flow of the list they are in: Synapse's
// respond, drop, loopback and send all return false (send after sending;
// see the extension-handler reference), so nothing after them runs.
var terminal = map[string]bool{"respond": true, "drop": true, "loopback": true, "send": true}

// unreachable finds the first mediator after a terminal one in any
// mediator list (the sequence body, then/else, case/default, in/out...):
// only direct siblings count, not a filter whose branches both stop.
func unreachable(f *file) []Finding {
	var out []Finding
	walk(f.root, func(el *etree.Element) {
		var stop *etree.Element
		for _, ch := range el.ChildElements() {
			if !mediation.IsSynapse(ch) || ch.Tag == "description" {
				continue
			}
			if stop != nil {
				out = append(out, f.finding(ch, RuleUnreachable,
					"never runs: <%s> on line %d ends the flow", stop.Tag, f.lines[stop]))
				return
			}
			if terminal[ch.Tag] {
				stop = ch
			}
		}
	})
	return out
}

// sendInExtension finds <send> in an extension sequence. WSO2 forbids it
// there (API-M docs, "not usable within custom sequences"): the extension
// handler runs the sequence and the gateway then sends the message itself,
// so a send in the sequence either sends twice or ends the handler chain
// early. <call blocking="true"> calls out and continues; <respond/>
// answers the client.
func sendInExtension(f *file) []Finding {
	name, _ := mediation.Attr(f.root, "name")
	if !isExtension(name) {
		return nil
	}
	var out []Finding
	walk(f.root, func(el *etree.Element) {
		if el.Tag == "send" && mediation.IsSynapse(el) {
			out = append(out, f.finding(el, RuleSendInExtension,
				"<send> in extension sequence %q: the gateway sends the message after the sequence, so WSO2 forbids it here; use <call blocking=\"true\"> to call out or <respond/> to answer", name))
		}
	})
	return out
}

// isExtension reports an extension sequence name: WSO2AM--Ext--In/Out or
// <provider>--<name>[:v<version>]--In/Out (sequences/naming.go).
func isExtension(name string) bool {
	for _, d := range []mediation.Direction{mediation.In, mediation.Out} {
		if name == sequences.GlobalName(d) {
			return true
		}
		if api, ok := strings.CutSuffix(name, "--"+d.String()); ok && strings.Contains(api, "--") &&
			!strings.HasPrefix(api, "--") && !strings.HasSuffix(api, "--") {
			return true
		}
	}
	return false
}

// emptyFilter finds a <filter> with no mediator in any branch: its
// condition is evaluated for nothing, usually a branch emptied by mistake.
func emptyFilter(f *file) []Finding {
	var out []Finding
	walk(f.root, func(el *etree.Element) {
		if el.Tag != "filter" || !mediation.IsSynapse(el) {
			return
		}
		for _, ch := range el.ChildElements() {
			if ch.Tag == "then" || ch.Tag == "else" {
				if mediators(ch) > 0 {
					return
				}
			} else if ch.Tag != "description" {
				return
			}
		}
		out = append(out, f.finding(el, RuleEmptyFilter, "filter has no mediators in any branch: the condition is evaluated for nothing"))
	})
	return out
}

// mediators counts the mediator children of a list.
func mediators(el *etree.Element) int {
	n := 0
	for _, ch := range el.ChildElements() {
		if ch.Tag != "description" {
			n++
		}
	}
	return n
}

// loopbackInOut finds <loopback/> in an Out extension sequence: on the
// response path loopback only stops the flow (Synapse's LoopBackMediator
// re-injects a request, and a response has already been received), so the
// client gets no answer from it; <respond/> was almost always meant.
func loopbackInOut(f *file) []Finding {
	name, _ := mediation.Attr(f.root, "name")
	if !isExtension(name) || !strings.HasSuffix(name, "--"+mediation.Out.String()) {
		return nil
	}
	var out []Finding
	walk(f.root, func(el *etree.Element) {
		if el.Tag == "loopback" && mediation.IsSynapse(el) {
			out = append(out, f.finding(el, RuleLoopbackOnOutflow,
				"<loopback/> in response-path sequence %q only stops the flow; use <respond/> to answer the client", name))
		}
	})
	return out
}

// extensionName finds a sequence named almost like an extension sequence
// (admin--Weather:1.0.0--Out, WSO2AM--Ext--in): it deploys and shows
// active, but no API runs it. Without the config lint only sees the
// shape; `seqgate check` also compares the names with the declared APIs.
func extensionName(f *file) []Finding {
	name, _ := mediation.Attr(f.root, "name")
	if want := sequences.MisnamedExtension(name); want != "" {
		return []Finding{f.finding(f.root, RuleExtensionName,
			"sequence %q never runs: an extension sequence is named %q (<provider>--<api>:v<version>--In|Out|Fault or WSO2AM--Ext--In|Out)", name, want)}
	}
	return nil
}
