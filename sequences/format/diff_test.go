package format

import (
	"strings"
	"testing"

	"github.com/beevik/etree"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"equal", "x\ny\n", "x\ny\n", ""},
		{"one line changed", "a\nb\nc\n", "a\nB\nc\n", "--- f\n+++ f (formatted)\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
		{"final newline added", "a", "a\n", "--- f\n+++ f (formatted)\n@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+a\n"},
		{"far apart changes make two hunks",
			"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "x\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ny\n",
			"--- f\n+++ f (formatted)\n@@ -1,4 +1,4 @@\n-1\n+x\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+y\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(Diff("f", []byte(tt.a), []byte(tt.b))); got != tt.want {
				t.Errorf("Diff =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestEqual: layout whitespace is ignored, anything else is a difference.
func TestEqual(t *testing.T) {
	base := `<sequence name="x"><log level="custom"/><format> a </format></sequence>`
	tests := []struct {
		name, other, wantErr string
	}{
		{"re-indented", "<sequence name=\"x\">\n  <log level='custom'></log>\n<format> a </format></sequence>", ""},
		{"attribute value", `<sequence name="x"><log level="full"/><format> a </format></sequence>`, `attribute level="custom" became level="full"`},
		{"verbatim whitespace", `<sequence name="x"><log level="custom"/><format>a</format></sequence>`, `text " a " changed`},
		{"comment added", `<sequence name="x"><!--c--><log level="custom"/><format> a </format></sequence>`, "2 children, now 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Equal(mustParse(t, base), mustParse(t, tt.other))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Equal = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func mustParse(t *testing.T, s string) *etree.Document {
	t.Helper()
	doc, err := parse("t.xml", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
