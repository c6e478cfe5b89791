package mediation

import (
	"strings"
	"testing"
)

// contentTypeCases are Content-Type headers for the format tests: the
// ordinary ones, case and parameter variants, and the corners where the
// allocation-free path must step aside (Unicode case mapping, long types).
var contentTypeCases = []string{
	"", ";", " ", "application/json", "APPLICATION/JSON", "application/json; charset=UTF-8",
	" application/json ;charset=utf-8", "application/vnd.api+json", "text/json",
	"application/xml", "Application/XML", "text/xml", "TEXT/XML; charset=utf-8", "application/soap+xml",
	"application/soap+xml; action=urn:x", "image/svg+xml", "application/atom+xml", "text/html",
	"text/plain", "Text/Plain; charset=iso-8859-1", "application/x-www-form-urlencoded",
	"application/octet-stream", "multipart/form-data; boundary=x",
	"text/plaİn",                   // İ lower-cases to i: text/plain for strings.ToLower
	"application/ſoap+xml",         // ſ stays ſ under ToLower but folds to s
	"\u00a0application/json\u00a0", // Unicode space, trimmed by TrimSpace
	"application/" + strings.Repeat("x", 80) + "+json",
	"application/" + strings.Repeat("x", 80) + "+xml",
	"application/" + strings.Repeat("X", 51) + "+xml", // 64 bytes exactly
}

func TestFormatOfBytesMatchesFormatOf(t *testing.T) {
	for _, ct := range contentTypeCases {
		if got, want := formatOfBytes([]byte(ct)), FormatOf(ct); got != want {
			t.Errorf("formatOfBytes(%q) = %s, FormatOf = %s", ct, got, want)
		}
	}
}

// TestSetXMLContentType: the label payloadFactory media-type="xml" sets is
// what it set before (the message's own XML type kept, else
// application/xml), and a pending messageType is dropped either way.
func TestSetXMLContentType(t *testing.T) {
	old := func(ct string) string { // payloadFactory's contentType before SetXMLContentType
		mt, _, _ := strings.Cut(ct, ";")
		switch strings.ToLower(strings.TrimSpace(mt)) {
		case "application/xml", "text/xml", "application/soap+xml":
			return ct
		}
		return "application/xml"
	}
	for _, ct := range contentTypeCases {
		for _, pinned := range []bool{false, true} {
			mc := newFastMC("<a/>", ct)
			if pinned {
				mc.SetProperty(ScopeAxis2, "messageType", "application/json")
			}
			want := old(mc.ContentType())
			mc.SetXMLContentType()
			if got := mc.ContentType(); got != want {
				t.Errorf("%q (messageType set: %v): Content-Type %q, want %q", ct, pinned, got, want)
			}
			if mc.pin.active(mc.Dir) {
				t.Errorf("%q: messageType still pending", ct)
			}
		}
	}
}

func TestBodyFormatAllocs(t *testing.T) {
	for _, ct := range []string{"application/xml", "Application/JSON; charset=utf-8", "text/xml"} {
		mc := newFastMC("<order><id>1</id></order>", ct)
		if n := testing.AllocsPerRun(100, func() { _ = mc.BodyFormat() }); n != 0 {
			t.Errorf("BodyFormat of %q: %v allocs, want 0", ct, n)
		}
	}
}
