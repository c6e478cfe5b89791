package mediation

import (
	"errors"
	"strings"
	"testing"
)

// TestReadConfigFileCharset: a file declaring ISO-8859-1 (or another
// encoding x/text knows) is decoded to UTF-8 with its lines kept; an
// unknown encoding is a clear error, not "invalid UTF-8".
func TestReadConfigFileCharset(t *testing.T) {
	cases := []struct {
		name, enc string
		raw       []byte // the text "Zürich" in that encoding
	}{
		{"latin1", "ISO-8859-1", []byte("Z\xfcrich")},
		{"windows-1252 label", "windows-1252", []byte("Z\xfcrich")},
		{"single quotes, lower case", "iso-8859-15", []byte("Z\xfcrich")},
		{"utf-8 untouched", "UTF-8", []byte("Zürich")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := []byte("<?xml version=\"1.0\" encoding=\"" + c.enc + "\"?>\n<sequence name=\"s\">\n  <x>")
			if c.name == "single quotes, lower case" {
				src = []byte("<?xml version='1.0' encoding='" + c.enc + "'?>\n<sequence name=\"s\">\n  <x>")
			}
			src = append(append(src, c.raw...), "</x>\n</sequence>\n"...)
			doc, lines, err := ReadConfigFile("s.xml", src, 1<<20, 32)
			if err != nil {
				t.Fatal(err)
			}
			x := doc.Root().SelectElement("x")
			if got := x.Text(); got != "Zürich" {
				t.Errorf("text = %q, want Zürich", got)
			}
			if lines[x] != 3 {
				t.Errorf("line = %d, want 3", lines[x])
			}
		})
	}
	t.Run("unknown encoding", func(t *testing.T) {
		_, _, err := ReadConfigFile("s.xml", []byte(`<?xml version="1.0" encoding="x-klingon"?><sequence/>`), 1<<20, 32)
		var ce *CompileError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), `unknown encoding "x-klingon"`) {
			t.Fatalf("err = %v, want unknown encoding", err)
		}
	})
}
