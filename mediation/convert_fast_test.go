package mediation

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"sync"
	"testing"
)

// loadConvertTable reads a testdata/convert table: records separated by a
// line "#---", the part before the first one a comment.
func loadConvertTable(t testing.TB, name string) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/convert/" + name)
	if err != nil {
		t.Fatal(err)
	}
	recs := strings.Split(string(b), "\n#---\n")
	return recs[1:]
}

var (
	xmlTypes  = []string{"application/xml", "text/xml", "application/soap+xml"}
	jsonTypes = []string{"application/json", "application/vnd.api+json; charset=utf-8"}
	xmlTos    = []string{"application/xml", "text/xml", "application/soap+xml", "text/plain"}
)

// convertBoth converts body from ct to messageType to through
// SerializeForWire (fast path when it can) and through convertPayload (the
// full path, as SerializeForWire ran it before), and reports whether they
// differ; fast tells whether the fast path answered.
func convertBoth(t *testing.T, body, ct, to string) (fast bool) {
	t.Helper()
	got, gotErr := serialize(body, ct, to)

	mc := newFastMC(body, ct)
	mc.SetProperty(ScopeAxis2, "messageType", to)
	from, toF := mc.BodyFormat(), FormatOf(to)
	var want []byte
	var wantErr error
	if from == toF || from == FormatNone || toF == FormatNone {
		want = []byte(body)
	} else if out, err := mc.convertPayload(toF); err != nil {
		wantErr = fmt.Errorf("write %s payload as %s: %w", from, toF, err)
	} else {
		want = out
	}
	if !bytes.Equal(got, want) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Errorf("%s as %s on %q:\nfast %q, %v\nfull %q, %v", ct, to, body, got, gotErr, want, wantErr)
	}

	mc = newFastMC(body, ct)
	mc.SetProperty(ScopeAxis2, "messageType", to)
	return mc.convertFast(mc.BodyFormat(), FormatOf(to))
}

func serialize(body, ct, to string) ([]byte, error) {
	mc := newFastMC(body, ct)
	mc.SetProperty(ScopeAxis2, "messageType", to)
	if err := mc.SerializeForWire(); err != nil {
		return nil, err
	}
	return append([]byte(nil), mc.Body()...), nil
}

// TestConvertFastMatchesFull: the fast XML↔JSON conversions give the full
// path's bytes (or leave it to the full path, which gives its error) on the
// tables in testdata/convert, generated documents, the other direction's
// outputs and thousands of damaged copies.
func TestConvertFastMatchesFull(t *testing.T) {
	xmlDocs := loadConvertTable(t, "xml.txt")
	jsonDocs := loadConvertTable(t, "json.txt")
	rng := rand.New(rand.NewSource(18))
	for range 300 {
		xmlDocs = append(xmlDocs, genXML(rng))
		jsonDocs = append(jsonDocs, genJSON(rng, 0))
	}
	jsonDocs = append(jsonDocs, `{"bad":"`+"\xff"+`"}`, `{"a":"caf`+"\xc3"+`"}`, "\xef\xbb\xbf{}")
	// each direction's output is the other's input
	for _, d := range xmlDocs {
		if out, err := serialize(d, "application/xml", "application/json"); err == nil {
			jsonDocs = append(jsonDocs, string(out))
		}
	}
	for _, d := range jsonDocs {
		if out, err := serialize(d, "application/json", "application/xml"); err == nil {
			xmlDocs = append(xmlDocs, string(out))
		}
	}
	xmlFast, jsonFast := 0, 0
	for _, d := range xmlDocs {
		for _, ct := range xmlTypes {
			if convertBoth(t, d, ct, "application/json") {
				xmlFast++
			}
		}
	}
	for _, d := range jsonDocs {
		for _, ct := range jsonTypes {
			for _, to := range xmlTos {
				if convertBoth(t, d, ct, to) {
					jsonFast++
				}
			}
		}
	}
	t.Logf("%d XML and %d JSON documents; fast path answered %d and %d conversions", len(xmlDocs), len(jsonDocs), xmlFast, jsonFast)
	if xmlFast < len(xmlDocs) || jsonFast < 4*len(jsonDocs) {
		t.Errorf("the fast path answered too few conversions")
	}
	// random damage: both must agree on errors too
	alphabet := []byte(`<>/&;:="' !-[]?abx{}[],\01.eE` + "\r\n\t\x80")
	for i := range 4000 {
		var src string
		if i%2 == 0 {
			src = xmlDocs[rng.Intn(len(xmlDocs))]
		} else {
			src = jsonDocs[rng.Intn(len(jsonDocs))]
		}
		b := []byte(src)
		if len(b) == 0 {
			continue
		}
		for range 1 + rng.Intn(3) {
			b[rng.Intn(len(b))] = alphabet[rng.Intn(len(alphabet))]
		}
		if i%2 == 0 {
			convertBoth(t, string(b), xmlTypes[rng.Intn(len(xmlTypes))], "application/json")
		} else {
			convertBoth(t, string(b), "application/json", xmlTos[rng.Intn(len(xmlTos))])
		}
		if t.Failed() {
			return
		}
	}
}

// TestAppendPrimitiveMatchesAutoPrimitive: the number shortcut writes what
// autoPrimitive and AppendJSONOrdered write, on every shape of number.
func TestAppendPrimitiveMatchesAutoPrimitive(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	parts := []string{"0", "1", "9", "00", "5", "-", "+", ".", "e", "E", "_", "x", "n", "123456789", "000001", " "}
	check := func(s string) {
		got := string(appendPrimitive(nil, []byte(s)))
		want := string(AppendJSONOrdered(nil, autoPrimitive(s), nil))
		if got != want {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	}
	for _, s := range []string{"", "0", "-0", "0.5", "-0.5", "0.000001", "0.0000001", "0.0000011", "999999999999999", "9999999999999999",
		"123456789012345678", "1234567890123456789", "-999999999999999999", "0.123456789012345", "0.1234567890123456",
		"123456789.123456", "12345678901234.5", "123456789012345.6", "1.5", "1.50", "true", "false", "1e21", "100000000000000000000"} {
		check(s)
	}
	for range 200000 {
		var b strings.Builder
		for range 1 + rng.Intn(6) {
			b.WriteString(parts[rng.Intn(len(parts))])
		}
		check(b.String())
		// random decimals of every length and scale
		check(fmt.Sprintf("%d.%0*d", rng.Int63n(1e9)*int64(1-2*rng.Intn(2)), rng.Intn(12), rng.Int63n(1e12)))
	}
}

// TestConvertFastConcurrent: many goroutines converting distinct bodies
// both ways at once (the scratch storage is pooled) each get their own
// body's full-path answer. Run under -race.
func TestConvertFastConcurrent(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	type job struct{ body, ct, to, want string }
	var jobs []job
	for i := range 64 {
		x := genXML(rng)
		j := genJSON(rng, 0)
		if i%8 == 0 {
			x = fmt.Sprintf(`<order><id>o-%d</id>%s</order>`, i, strings.Repeat(`<item><sku>S</sku><qty>2</qty></item>`, 200))
		}
		for _, jb := range []job{{x, "application/xml", "application/json", ""}, {j, "application/json", "application/xml", ""}, {j, "application/json", "text/xml", ""}} {
			out, err := serialize(jb.body, jb.ct, jb.to)
			if err != nil {
				continue
			}
			jb.want = string(out)
			jobs = append(jobs, jb)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range 40 {
				jb := jobs[(g*7+r*13)%len(jobs)]
				got, err := serialize(jb.body, jb.ct, jb.to)
				if err != nil || string(got) != jb.want {
					select {
					case errs <- fmt.Sprintf("%s as %s on %q: got %q, %v; want %q", jb.ct, jb.to, jb.body, got, err, jb.want):
					default:
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// genXML is a random document in the shapes the conversion distinguishes:
// repeated and single children, attributes (namespaced, xmlns, xml:lang),
// text that reads as numbers, booleans or strings, entities, CDATA,
// comments, empty and self-closing elements, the json* wrappers, Synapse's
// escaped names, sometimes inside a SOAP envelope.
func genXML(rng *rand.Rand) string {
	names := []string{"a", "b", "item", "id", "p:x", "q:y", "jsonObject", "jsonArray", "jsonValue", "jsonElement", "_JsonReader_PD_1", "_JsonReader_PS_r", "_JsonReader_PD_a", "x.y-z"}
	texts := []string{"", " ", "1", "0", "-3", "1.5", "1.50", "0.25", "007", "1e3", "true", "false", "null", "text", " spaced ", "a &amp; b", "&lt;tag&gt;",
		"<![CDATA[raw <>&]]>", "x<!--c-->y", "<!--only-->", "café ✓", "\"quoted\"", `back\slash`, "tab\tin", "line\nbreak", "12345678901234567890", "-0", "4.0e-7", "1_2"}
	attrs := []string{`k="v"`, `n="12"`, `b="true"`, `p:k="1"`, `q:k="2"`, `xml:lang="en"`, `e=""`, `s=" 5 "`, `amp="a&amp;b"`, `t="a	b"`}
	var b strings.Builder
	var el func(depth int)
	el = func(depth int) {
		name := names[rng.Intn(len(names))]
		b.WriteString("<" + name)
		for _, a := range rng.Perm(len(attrs))[:rng.Intn(3)] {
			if rng.Intn(20) == 0 {
				b.WriteString(` xmlns:r="urn:r"`) // declared below the root: the full path's
			}
			b.WriteString(" " + attrs[a])
		}
		switch r := rng.Intn(10); {
		case r == 0:
			b.WriteString("/>")
			return
		case r < 5 || depth > 4:
			b.WriteString(">" + texts[rng.Intn(len(texts))])
		default:
			b.WriteString(">")
			n := rng.Intn(5)
			for range n {
				if rng.Intn(6) == 0 {
					b.WriteString(" ")
				}
				el(depth + 1)
			}
		}
		b.WriteString("</" + name + ">")
	}
	ns := ` xmlns:p="urn:p" xmlns:q="urn:q"`
	if rng.Intn(4) == 0 {
		b.WriteString(`<soapenv:Envelope xmlns:soapenv="` + SOAP11NS + `"` + ns + `><soapenv:Body>`)
		el(0)
		b.WriteString(`</soapenv:Body></soapenv:Envelope>`)
		return b.String()
	}
	root := []string{"order", "jsonObject", "jsonArray", "jsonValue", "_JsonReader_PD_9"}[rng.Intn(5)]
	b.WriteString("<" + root + ns + ">")
	for range rng.Intn(5) {
		el(1)
	}
	b.WriteString("</" + root + ">")
	return b.String()
}

// genJSON is a random JSON value: objects with awkward keys, arrays of
// one, nested and empty arrays, numbers of every form, strings with
// escapes and unicode.
func genJSON(rng *rand.Rand, depth int) string {
	keys := []string{`"a"`, `"b"`, `""`, `"1"`, `"$ref"`, `"a b"`, `"ü"`, `"k\u0065y"`, `"jsonArray"`, `"x:y"`, `"<"`, `"a\"b"`}
	scalars := []string{`0`, `-0`, `1`, `-12`, `1.5`, `1.50`, `1e5`, `-2.5E-3`, `123456789012345678901234567890`, `true`, `false`, `null`,
		`""`, `"s"`, `"a & b <c> 'd' \"e\""`, `"\u003c\u0026"`, `"\ud83d\ude00 😀"`, `"tab\tnl\n"`, `"\/"`, `" spaced "`, `"日本"`}
	r := rng.Intn(10)
	if depth > 4 {
		r = 9
	}
	sp := func() string { return []string{"", "", " ", "\n  "}[rng.Intn(4)] }
	switch {
	case r < 3:
		var b strings.Builder
		b.WriteString("{" + sp())
		for i := range rng.Intn(4) {
			if i > 0 {
				b.WriteString("," + sp())
			}
			b.WriteString(keys[rng.Intn(len(keys))] + sp() + ":" + sp() + genJSON(rng, depth+1))
		}
		b.WriteString(sp() + "}")
		return b.String()
	case r < 5:
		var b strings.Builder
		b.WriteString("[" + sp())
		for i := range rng.Intn(4) {
			if i > 0 {
				b.WriteString("," + sp())
			}
			b.WriteString(genJSON(rng, depth+1))
		}
		b.WriteString(sp() + "]")
		return b.String()
	}
	return scalars[rng.Intn(len(scalars))]
}

// TestConvertFastAfterEdit: once a tree of the payload exists (a mediator
// may have edited it in place), the conversion writes that tree, not the
// bytes.
func TestConvertFastAfterEdit(t *testing.T) {
	mc := newFastMC(`<order><id>a</id></order>`, "application/xml")
	doc, err := mc.XMLPayload()
	if err != nil {
		t.Fatal(err)
	}
	payloadElement(doc).FirstChild.FirstChild.Data = "edited"
	mc.SetProperty(ScopeAxis2, "messageType", "application/json")
	if err := mc.SerializeForWire(); err != nil || string(mc.Body()) != `{"order":{"id":"edited"}}` {
		t.Errorf("XML tree edited: %s, %v", mc.Body(), err)
	}

	mc = newFastMC(`<order><id>a</id></order>`, "application/xml")
	v, err := mc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	v.(map[string]any)["order"].(map[string]any)["id"] = "edited"
	mc.SetProperty(ScopeAxis2, "messageType", "application/json")
	if err := mc.SerializeForWire(); err != nil || string(mc.Body()) != `{"order":{"id":"edited"}}` {
		t.Errorf("JSON value edited: %s, %v", mc.Body(), err)
	}

	mc = newFastMC(`{"id":"a"}`, "application/json")
	if doc, err = mc.XMLPayload(); err != nil {
		t.Fatal(err)
	}
	payloadElement(doc).FirstChild.FirstChild.Data = "edited"
	mc.SetProperty(ScopeAxis2, "messageType", "application/xml")
	if err := mc.SerializeForWire(); err != nil || string(mc.Body()) != `<jsonObject><id>edited</id></jsonObject>` {
		t.Errorf("XML tree of a JSON body edited: %s, %v", mc.Body(), err)
	}
	// a JSON body already parsed as JSON still converts from its bytes
	mc = newFastMC(`{"id":"a"}`, "application/json")
	if _, err := mc.JSON(); err != nil {
		t.Fatal(err)
	}
	mc.SetProperty(ScopeAxis2, "messageType", "application/xml")
	if !mc.convertFast(FormatJSON, FormatXML) || string(mc.Body()) != `<jsonObject><id>a</id></jsonObject>` {
		t.Errorf("JSON body parsed first: fast path not taken or %s", mc.Body())
	}
}

// TestConvertFastDeep: JSON nested deeper than the writer recurses (with a
// depth limit configured above it) and XML deeper than the scan indexes
// both go the full way, with its answer.
func TestConvertFastDeep(t *testing.T) {
	for _, c := range []struct{ body, ct, to string }{
		{strings.Repeat(`{"a":`, 600) + "1" + strings.Repeat("}", 600), "application/json", "application/xml"},
		{strings.Repeat(`[`, 600) + "1" + strings.Repeat("]", 600), "application/json", "text/xml"},
		{strings.Repeat(`<a>`, 100) + "1" + strings.Repeat("</a>", 100), "application/xml", "application/json"},
	} {
		mc := newFastMC(c.body, c.ct)
		mc.Limits.MaxJSONDepth, mc.Limits.MaxXMLDepth = 1000, 1000
		mc.SetProperty(ScopeAxis2, "messageType", c.to)
		if mc.convertFast(mc.BodyFormat(), FormatOf(c.to)) {
			t.Errorf("%s nested 600 deep: the fast path answered", c.ct)
		}
		full := newFastMC(c.body, c.ct)
		full.Limits = mc.Limits
		full.SetProperty(ScopeAxis2, "messageType", c.to)
		want, err := full.convertPayload(FormatOf(c.to))
		if err != nil {
			t.Fatal(err)
		}
		if err := mc.SerializeForWire(); err != nil || !bytes.Equal(mc.Body(), want) {
			t.Errorf("%s nested 600 deep: %v, body differs from the full path's", c.ct, err)
		}
	}
}

// FuzzConvertFast: the fast and the full conversion agree, bytes and
// errors, on any body (dir: even = XML as JSON with one of xmlTypes, odd =
// JSON as one of xmlTos). Seeds: the testdata/convert tables.
func FuzzConvertFast(f *testing.F) {
	for _, d := range loadConvertTable(f, "xml.txt") {
		f.Add(d, uint8(0))
	}
	for i, d := range loadConvertTable(f, "json.txt") {
		f.Add(d, uint8(2*i+1))
	}
	f.Fuzz(func(t *testing.T, body string, dir uint8) {
		if dir%2 == 0 {
			convertBoth(t, body, xmlTypes[int(dir/2)%len(xmlTypes)], "application/json")
		} else {
			convertBoth(t, body, "application/json", xmlTos[int(dir/2)%len(xmlTos)])
		}
	})
}
