package mediation

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCheckXML(t *testing.T) {
	l := XMLLimits{Depth: 4, Elements: 10, Attributes: 2, AttributeLength: 8, Children: 3, TextLength: 16}
	cases := []struct {
		name string
		xml  string
		want error // nil, ErrPayloadTooDeep or ErrPayloadLimit
	}{
		{"small", `<a x="1"><b>hi</b><c/></a>`, nil},
		{"depth at limit", `<a><b><c><d/></c></b></a>`, nil},
		{"too deep", `<a><b><c><d><e/></d></c></b></a>`, ErrPayloadTooDeep},
		{"too many elements", `<a>` + strings.Repeat(`<b><c/></b>`, 3) + `<b><c/><c/></b></a>`, ErrPayloadLimit},
		{"too many children", `<a><b/><b/><b/><b/></a>`, ErrPayloadLimit},
		{"children counted per parent", `<a><b><c/><c/><c/></b><b/><b/></a>`, nil},
		{"too many attributes", `<a x="1" y="2" z="3"/>`, ErrPayloadLimit},
		{"namespace declarations count", `<a xmlns="u" xmlns:p="v" p:x="1"/>`, ErrPayloadLimit},
		{"attribute too long", `<a x="123456789"/>`, ErrPayloadLimit},
		{"text too long", `<a>` + strings.Repeat("t", 17) + `</a>`, ErrPayloadLimit},
		{"text split by entities", `<a>` + strings.Repeat("t&amp;", 9) + `</a>`, ErrPayloadLimit},
		{"cdata counts", `<a><![CDATA[` + strings.Repeat("t", 17) + `]]></a>`, ErrPayloadLimit},
		{"text per node", `<a>` + strings.Repeat("t", 10) + `<b/>` + strings.Repeat("t", 10) + `</a>`, nil},
		{"doctype refused", `<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`, ErrPayloadLimit},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckXML([]byte(c.xml), l)
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("CheckXML = %v, want %v", err, c.want)
			}
		})
	}
}

func TestCheckXMLZeroLimits(t *testing.T) {
	deep := strings.Repeat("<a>", DefaultLimits.MaxXMLDepth+1)
	if err := CheckXML([]byte(deep), XMLLimits{}); !errors.Is(err, ErrPayloadTooDeep) {
		t.Errorf("zero Depth must mean the default depth: %v", err)
	}
	wide := "<a>" + strings.Repeat("<b x='1' y='2' z='3'>text</b>", 1000) + "</a>"
	if err := CheckXML([]byte(wide), XMLLimits{}); err != nil {
		t.Errorf("zero limits must not limit: %v", err)
	}
	if err := CheckXML([]byte("<a><b x=></a>"), XMLLimits{}); err == nil || errors.Is(err, ErrPayloadLimit) {
		t.Errorf("malformed XML: %v, want a parse error", err)
	}
}

func TestCheckJSON(t *testing.T) {
	l := JSONLimits{Depth: 3, Keys: 2, ArrayLength: 3, StringLength: 5, KeyLength: 3}
	cases := []struct {
		name string
		json string
		want error
	}{
		{"small", `{"a":[1,2,3],"b":{"c":"hello"}}`, nil},
		{"depth at limit", `[[[1]]]`, nil},
		{"too deep", `[[[[1]]]]`, ErrPayloadTooDeep},
		{"brackets in strings", `["[[[[", "{{{{"]`, nil},
		{"too many keys", `{"a":1,"b":2,"c":3}`, ErrPayloadLimit},
		{"keys per object", `{"a":{"x":1,"y":2},"b":{"x":1,"y":2}}`, nil},
		{"array too long", `[1,2,3,4]`, ErrPayloadLimit},
		{"array of objects", `[{"a":1},{"a":1},{"a":1}]`, nil},
		{"nested array counted apart", `[[1,2,3],[1,2,3],[1,2,3]]`, nil},
		{"empty containers", `{"a":[],"b":{}}`, nil},
		{"string too long", `{"a":"123456"}`, ErrPayloadLimit},
		{"escaped quote in string", `["123\"4"]`, ErrPayloadLimit},
		{"key too long", `{"abcd":1}`, ErrPayloadLimit},
		{"long value short key", `{"abc":"12345"}`, nil},
		{"top-level string", `"123456"`, ErrPayloadLimit},
		{"garbage is not our concern", `}}]]{"a"`, nil},
		{"duplicate key", `{"a":1,"a":2}`, ErrDuplicateKey},
		{"same key in sibling objects", `[{"a":1},{"a":2}]`, nil},
		{"same key at two levels", `{"a":{"a":1}}`, nil},
		{"duplicate after a nested object", `{"a":{"b":1},"a":2}`, ErrDuplicateKey},
		{"key and value alike", `{"a":"a"}`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckJSON([]byte(c.json), l)
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("CheckJSON = %v, want %v", err, c.want)
			}
		})
	}
}

// TestCheckJSONDuplicateKeys: the duplicate check on objects past the
// linear search (a map), with escapes and invalid UTF-8 read as
// encoding/json reads them, and off with DuplicateKeys.
func TestCheckJSONDuplicateKeys(t *testing.T) {
	big := func(last string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := 0; i < 40; i++ {
			fmt.Fprintf(&b, `"k%d":%d,`, i, i)
		}
		return b.String() + `"` + last + `":0}`
	}
	cases := []struct {
		name, json string
		want       error
	}{
		{"big object, new name", big("k40"), nil},
		{"big object, early name again", big("k3"), ErrDuplicateKey},
		{"big object, escaped name again", big(`\u006b39`), ErrDuplicateKey},
		{"name spelled with an escape", `{"\u0061":1,"a":2}`, ErrDuplicateKey},
		{"surrogate pair vs UTF-8", `{"\ud83d\ude00":1,"😀":2}`, ErrDuplicateKey},
		{"two lone surrogates read as U+FFFD", `{"\ud800":1,"\udfff":2}`, ErrDuplicateKey},
		{"invalid UTF-8 vs U+FFFD", "{\"\xff\":1,\"\ufffd\":2}", ErrDuplicateKey},
		{"escaped slash", `{"a/b":1,"a\/b":2}`, ErrDuplicateKey},
		{"case differs", `{"from":1,"From":2}`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckJSON([]byte(c.json), JSONLimits{})
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("CheckJSON = %v, want %v", err, c.want)
			}
			if err := CheckJSON([]byte(c.json), JSONLimits{DuplicateKeys: true}); err != nil {
				t.Errorf("with DuplicateKeys: %v", err)
			}
			if err := checkJSONReference([]byte(c.json), JSONLimits{}); fmt.Sprint(err) != fmt.Sprint(CheckJSON([]byte(c.json), JSONLimits{})) {
				t.Errorf("reference scan says %v", err)
			}
		})
	}
}

func BenchmarkCheckJSON(b *testing.B) {
	body := []byte(`{"order":{"id":123,"items":[{"sku":"a-1","qty":2},{"sku":"b-2","qty":1}],"note":"leave at door"}}`)
	l := JSONLimits{Keys: 1000, ArrayLength: 1000, StringLength: 1 << 20, KeyLength: 1024}
	b.ReportAllocs()
	for b.Loop() {
		if err := CheckJSON(body, l); err != nil {
			b.Fatal(err)
		}
	}
}
