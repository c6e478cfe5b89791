package hostile

import (
	"fmt"
	"strings"
	"testing"
)

// exprSeqs are sequences whose per-request work a client's header or body
// drives: regexes on the backtracking engine (look-around makes RE2
// refuse them, so mediation.RegexTimeout bounds each match), the same on
// RE2, XPath and JSONPath whose cost grows with the payload, a ${…}
// expression whose result grows with two payload strings, an expr-lang
// range a header sizes (what its memory budget meters) and API-M's regex
// threat protector with a backtracking pattern. Each answers what it
// computed, so a test can tell the expression ran.
var exprSeqs = map[string]string{
	"rx_header.xml": apiSeq("RxHeader", `<filter source="$trp:X-In" regex="(?!z)(a+)+">`+
		`<then>`+answer(`{"m":"then"}`)+`</then><else>`+answer(`{"m":"else"}`)+`</else></filter>`),
	"rx_re2.xml": apiSeq("RxRE2", `<filter source="$trp:X-In" regex="(a+)+">`+
		`<then>`+answer(`{"m":"then"}`)+`</then><else>`+answer(`{"m":"else"}`)+`</else></filter>`),
	"rx_body.xml": apiSeq("RxBody", `<filter source="json-eval($.s)" regex="(?!z)(a|aa)+">`+
		`<then>`+answer(`{"m":"then"}`)+`</then><else>`+answer(`{"m":"else"}`)+`</else></filter>`),
	"rx_group.xml": apiSeq("RxGroup", `<property name="g" expression="$trp:X-In" pattern="(?!z)((a+)+)" group="1"/>`+
		answer(`{"g":"$1"}`, "$ctx:g")),
	"xpath.xml": apiSeq("XPath", `<property name="n" expression="count(//*[contains(., 'needle')])"/>`+
		answer(`{"n":"$1"}`, "$ctx:n")),
	"jsonpath.xml": apiSeq("JSONPath", `<property name="n" expression="json-eval($..k)"/>`+
		answer(`{"n":"$1"}`, "string-length($ctx:n)")),
	"replace.xml": apiSeq("Replace", `<property name="n" expression="${length(replace(payload.s, 'a', payload.r))}"/>`+
		answer(`{"n":"$1"}`, "$ctx:n")),
	"range.xml": apiSeq("Range", `<property name="n" expression='${integer(headers["X-In"]) in 1..(integer(headers["X-In"]))}'/>`+
		answer(`{"n":"$1"}`, "$ctx:n")),
	"protector.xml": apiSeq("Protector", `<property name="regex" value="(?&lt;!\w)(select|drop)(?!\w)|(\w+\s?)+;"/>`+
		`<property name="threatType" value="SQL-Injection"/>`+
		`<class name="org.wso2.carbon.apimgt.gateway.mediators.RegularExpressionProtector"/>`+answer(`{"m":"clean"}`)),
}

// exprAPIs are the APIs of exprSeqs; their backend is never called.
func exprAPIs() []apiSpec {
	var apis []apiSpec
	for _, n := range []string{"RxHeader", "RxRE2", "RxBody", "RxGroup", "XPath", "JSONPath", "Replace", "Protector", "Range"} {
		apis = append(apis, apiSpec{n, "/" + strings.ToLower(n), "http://127.0.0.1:9/"}) // every sequence responds itself
	}
	return apis
}

// apiSeq is the In sequence of admin's API name, version v1.
func apiSeq(name, body string) string {
	return `<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--` + name + `:vv1--In">` + body + `</sequence>`
}

// answer responds with a JSON payload built from format and args.
func answer(format string, args ...string) string {
	var a strings.Builder
	for _, e := range args {
		fmt.Fprintf(&a, `<arg expression="%s"/>`, e)
	}
	return `<payloadFactory media-type="json"><format>` + format + `</format><args>` + a.String() + `</args></payloadFactory><respond/>`
}

// TestRegexBacktracking: a header or JSON string built to make a
// backtracking regex explode is matched in bounded time (a timed-out match
// counts as no match), alone and fifty at a time; RE2 patterns are linear
// anyway; the gateway stays up with bounded memory.
func TestRegexBacktracking(t *testing.T) {
	g := startSpec(t, spec{seqs: exprSeqs, apis: exprAPIs()})
	evil := strings.Repeat("a", 1500) + "!"
	jsonEvil := `{"s":"` + strings.Repeat("a", 4095) + `!"}`
	cases := []hostileInput{
		{name: "backtracking filter matches", path: "/rxheader/v1/x", header: "aaaa", want: 200, contains: `"then"`},
		{name: "backtracking filter, pathological header", path: "/rxheader/v1/x", header: evil, want: 200, contains: `"else"`},
		{name: "RE2 filter, pathological header", path: "/rxre2/v1/x", header: evil, want: 200, contains: `"else"`},
		{name: "backtracking filter, pathological JSON string", path: "/rxbody/v1/x", ct: "application/json", body: jsonEvil, want: 200, contains: `"else"`},
		{name: "backtracking pattern group, matches", path: "/rxgroup/v1/x", header: "aaa", want: 200, contains: `"g":"aaa"`},
		{name: "backtracking pattern group, pathological header", path: "/rxgroup/v1/x", header: evil, want: 200, contains: `"g":""`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { check(t, c, sendInput(t, g, c)) })
	}
	for _, c := range []hostileInput{cases[1], cases[3]} {
		t.Run("50 at once: "+c.name, func(t *testing.T) { concurrently(t, g, 50, c) })
	}
	t.Logf("after the backtracking attacks: %s", g.mem())
	g.bounded()
}

// TestPayloadExpressions: XPath and JSONPath whose cost grows with the
// payload, run over bodies at the threat-protector limits, are answered
// (400 past a limit) in bounded time, twenty at a time, with bounded memory.
func TestPayloadExpressions(t *testing.T) {
	g := startSpec(t, spec{seqs: exprSeqs, apis: exprAPIs()})
	// 31 nested elements with ~1.9 KiB of text each, 'needle' at the
	// bottom: every element's string value holds all the text below it.
	var deep strings.Builder
	for i := 0; i < 31; i++ {
		deep.WriteString("<e>" + strings.Repeat("t", 1900))
	}
	deep.WriteString("<e>needle</e>" + strings.Repeat("</e>", 31))
	wide := "<r>" + strings.Repeat("<a>"+strings.Repeat("<b>needle</b>", 30)+"</a>", 32) + "</r>" // 993 elements
	var nested strings.Builder
	for i := 0; i < 31; i++ {
		nested.WriteString(`{"k":"` + strings.Repeat("v", 1000) + `","o":`)
	}
	nested.WriteString(`1` + strings.Repeat("}", 31))
	arr := "[" + strings.TrimSuffix(strings.Repeat(`{"k":"`+strings.Repeat("v", 50)+`"},`, 1000), ",") + "]"
	// Counts include soapenv:Envelope and soapenv:Body: Synapse evaluates
	// XPath on the envelope the body is wrapped in. json-eval gives the
	// matches as a JSON array of strings: 31 × 1000 and 1000 × 50 bytes.
	cases := []hostileInput{
		{name: "xpath over deep xml at max_xml_depth", path: "/xpath/v1/x", ct: "application/xml", body: deep.String(), want: 200, contains: `"n":"34"`},
		{name: "xpath over wide xml near max_xml_elements", path: "/xpath/v1/x", ct: "application/xml", body: wide, want: 200, contains: `"n":"995"`},
		{name: "xpath over xml past max_xml_depth", path: "/xpath/v1/x", ct: "application/xml", body: "<e>" + deep.String() + "</e>", want: 400, contains: `900400`},
		{name: "json-eval $..k over deep json at max_json_depth", path: "/jsonpath/v1/x", ct: "application/json", body: nested.String(), want: 200, contains: `"n":"31094"`},
		{name: "json-eval $..k over a 1000-element array", path: "/jsonpath/v1/x", ct: "application/json", body: arr, want: 200, contains: `"n":"53001"`},
		{name: "json-eval over json past max_json_array_length", path: "/jsonpath/v1/x", ct: "application/json", body: "[" + strings.Repeat("1,", 1000) + "1]", want: 400, contains: `900400`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { check(t, c, sendInput(t, g, c)) })
	}
	for _, c := range []hostileInput{cases[0], cases[1], cases[4]} {
		t.Run("20 at once: "+c.name, func(t *testing.T) { concurrently(t, g, 20, c) })
	}
	t.Logf("after the payload expression attacks: %s", g.mem())
	g.bounded()
}

// TestExpressionAmplification: ${…} expressions and a regex threat
// protector, each reasonable as written, fed inputs at the request
// limits. Their work and result must stay bounded (a range a header sizes
// meets the expr-lang memory budget: no result) and the protector must not
// let a threat through because its match ran out of time.
func TestExpressionAmplification(t *testing.T) {
	g := startSpec(t, spec{seqs: exprSeqs, apis: exprAPIs()})
	sqli := "id=1; drop table users"
	padded := strings.Repeat("a", 2000) + " " + sqli
	cases := []hostileInput{
		{name: "replace within bounds", path: "/replace/v1/x", ct: "application/json", body: `{"s":"xax","r":"yy"}`, want: 200, contains: `"n":"4"`},
		{name: "range within the memory budget", path: "/range/v1/x", header: "1000", want: 200, contains: `"n":"true"`},
		{name: "range past the memory budget", path: "/range/v1/x", header: "1000000000", want: 200, contains: `"n":""`},
		{name: "protector finds a threat", path: "/protector/v1/x", ct: "text/plain", body: sqli, want: 400, contains: "SQL-Injection"},
		{name: "protector on clean input", path: "/protector/v1/x", ct: "text/plain", body: "hello world", want: 200, contains: `"clean"`},
		{name: "protector, threat after a pathological prefix", path: "/protector/v1/x", ct: "text/plain", body: padded, want: 400, contains: "SQL-Injection",
			bug: "class_regex.go: a backtracking match that times out counts as no threat, so padding bypasses the protector"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { check(t, c, sendInput(t, g, c)) })
	}
	g.bounded()
}

// TestReplaceAmplification: ${length(replace(payload.s, 'a', payload.r))}
// with s 4 KiB of 'a' and r 4 KiB (both at max_json_string_length) builds
// 16 MiB from an 8 KiB body; twenty at once must still leave memory
// bounded. (With the default limits, 1 MiB strings, one request would ask
// for 1 TiB.) Own gateway: what it measures is the memory left after.
func TestReplaceAmplification(t *testing.T) {
	g := startSpec(t, spec{seqs: exprSeqs, apis: exprAPIs()})
	in := hostileInput{path: "/replace/v1/x", ct: "application/json", want: 200,
		body: `{"s":"` + strings.Repeat("a", 4096) + `","r":"` + strings.Repeat("r", 4096) + `"}`,
		bug:  "exprlang/funcs.go: replace() output is not bounded by exprMemoryBudget or any limit"}
	concurrently(t, g, 20, in)
	g.alive()
	if r := g.peakRSS(); r > maxRSS {
		check(t, in, fmt.Sprintf("peak VmRSS %d MiB during 20 concurrent replace() calls on 8 KiB bodies, bound %d MiB", r>>20, maxRSS>>20))
	}
}
