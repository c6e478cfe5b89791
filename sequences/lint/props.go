package lint

import (
	"regexp"
	"strings"

	"github.com/beevik/etree"

	"github.com/seqgate/seqgate/mediation"
)

// Property reads are found with regular expressions over attribute values
// (every attribute: expression=, xpath=, source=, dynamic key="{...}")
// and script text, not through the expression compiler: it rewrites
// property references into lookups and keeps no list of them. The regexes
// only see default-scope reads written literally, so they miss computed
// names (get-property(concat(...))) and never report a name that is not
// read: they err on the side of silence.
var readPatterns = []*regexp.Regexp{
	// get-property('x'), get-property('default'|'operation', 'x')
	regexp.MustCompile(`get-property\(\s*['"]([^'"]+)['"]\s*\)`),
	regexp.MustCompile(`get-property\(\s*['"](?:default|operation)['"]\s*,\s*['"]([^'"]+)['"]\s*\)`),
	// $ctx:x and $var:x (XPath variables of the default scope)
	regexp.MustCompile(`\$(?:ctx|var):([A-Za-z_][\w.\-]*)`),
	// ${props.synapse.x}, ${properties.default["x"]}, ${var.x}
	regexp.MustCompile(`\bprop(?:ertie)?s\.(?:synapse|default|operation)(?:\.([A-Za-z_]\w*)|\[\s*["']([^"']+)["']\s*\])`),
	regexp.MustCompile(`\$\{[^}]*?\bvar\.([A-Za-z_]\w*)`),
	// script: mc.getProperty("x")
	regexp.MustCompile(`getProperty\(\s*["']([^"']+)["']\s*\)`),
}

// setPattern finds mc.setProperty("x", ...) in script text.
var setPattern = regexp.MustCompile(`setProperty\(\s*["']([^"']+)["']`)

// neverSet finds default-scope properties f reads that no sequence of its
// folder sets and the gateway does not set either (gatewaySets): such a
// read is always empty, most often a typo or a sequence that was not
// deployed with its partner.
func neverSet(f *file, folder []*file) []Finding {
	set := map[string]bool{}
	for _, g := range append(folder, f) {
		collectSets(g.root, set)
	}
	var out []Finding
	reported := map[string]bool{}
	walk(f.root, func(el *etree.Element) {
		for _, name := range reads(el) {
			if set[name] || gatewaySets(name) || reported[name] {
				continue
			}
			reported[name] = true
			out = append(out, f.finding(el, RulePropertyNeverSet,
				"property %q is read but no sequence in this folder sets it, nor does the gateway", name))
		}
	})
	return out
}

// reads lists the property names el reads, in attribute order.
func reads(el *etree.Element) []string {
	var srcs []string
	for _, a := range el.Attr {
		srcs = append(srcs, a.Value)
	}
	if el.Tag == "script" {
		srcs = append(srcs, el.Text())
	}
	var out []string
	for _, s := range srcs {
		for _, re := range readPatterns {
			for _, m := range re.FindAllStringSubmatch(s, -1) {
				out = append(out, firstNonEmpty(m[1:]))
			}
		}
	}
	if el.Tag == "source" && el.SelectAttrValue("type", "") == "property" {
		if p, ok := mediation.Attr(el, "property"); ok {
			out = append(out, p)
		}
	}
	return out
}

// collectSets adds the names the sequence under root sets: <property
// name=> (any scope, not action="remove"; a log's or class's <property>
// children are not setters), enrich targets of type property, default
// scope <header>s, and script setProperty calls. Counting every scope is
// deliberate: it can only hide findings, never invent one.
func collectSets(root *etree.Element, set map[string]bool) {
	walk(root, func(el *etree.Element) {
		switch el.Tag {
		case "property":
			parent := el.Parent()
			if parent != nil && (parent.Tag == "log" || parent.Tag == "class") {
				return
			}
			if el.SelectAttrValue("action", "set") != "remove" {
				set[el.SelectAttrValue("name", "")] = true
			}
		case "target":
			if el.SelectAttrValue("type", "") == "property" {
				set[el.SelectAttrValue("property", "")] = true
			}
		case "header":
			if el.SelectAttrValue("scope", "default") != "transport" {
				set[el.SelectAttrValue("name", "")] = true
			}
		case "script":
			for _, m := range setPattern.FindAllStringSubmatch(el.Text(), -1) {
				set[m[1]] = true
			}
		}
	})
}

func firstNonEmpty(s []string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// gatewayPrefixes and gatewayNames are the default-scope properties the
// gateway sets itself or computes on read, so reading them is fine: the
// router (handlers/route/props.go), auth (handlers/auth.go), the fault
// paths (handlers/errors.go, handlers/faults.go, sequences/sequence.go),
// the mediators (send, makefault, class_apim, throttle) and the computed
// names of mediation/scopes_special.go. lint_test.go checks the list
// against the exported constants of those packages.
var gatewayPrefixes = []string{
	"api.ut.", "uri.var.", "query.param.", "REST_", "SYNAPSE_REST_API", "THREAT_", "seqgate.",
}

var gatewayNames = map[string]bool{
	"ERROR_CODE": true, "ERROR_MESSAGE": true, "ERROR_DETAIL": true,
	"HTTP_SC": true, "HTTP_METHOD": true, "To": true, "MessageID": true, "RESPONSE": true,
	"TENANT_DOMAIN": true, "HTTP_RESPONSE_STATUS_CODE": true, "CUSTOM_HTTP_SC": true,
	"error_message_type": true, "NEXT_ACCESS_UTC_TIME": true,
	"APPLICATION_NAME": true, "END_USER_NAME": true,
	"API_ELECTED_RESOURCE": true, "AM_KEY_TYPE": true, "tenant.info.domain": true, "tenant.info.id": true,
	// computed on read (mediation/scopes_special.go)
	"SYSTEM_TIME": true, "SYSTEM_DATE": true, "MESSAGE_FORMAT": true, "FAULT": true,
	"OperationName": true, "Action": true, "From": true, "ReplyTo": true, "FaultTo": true, "RelatesTo": true,
}

// gatewaySets reports a property the gateway provides.
func gatewaySets(name string) bool {
	if gatewayNames[name] {
		return true
	}
	for _, p := range gatewayPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
