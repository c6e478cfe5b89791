package sequences

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestValidatePath(t *testing.T) {
	bad := filepath.Join("testdata", "validate", "bad")
	tests := []struct {
		name string
		path string
		want []string // one substring per expected error, in order
	}{
		{"clean folder, other tenant's folder may reuse a name", filepath.Join("testdata", "validate", "ok"), nil},
		{"single file", filepath.Join("testdata", "validate", "ok", "common.xml"), nil},
		{"every error of a bad folder", bad, []string{
			filepath.Join(bad, "b_second.xml") + `:1: <sequence>: sequence "dup" is already deployed from ` + filepath.Join(bad, "a_first.xml"),
			filepath.Join(bad, "d_loop2.xml") + ":1: <sequence>: sequence reference cycle: loop2 -> loop1 -> loop2",
			filepath.Join(bad, "e_broken.xml") + ":3: invalid xml: element <t.mark> closed by </sequence>",
		}},
		{"missing path", filepath.Join("testdata", "nope"), []string{"validate: stat testdata/nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := ValidatePath(tt.path)
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d errors %v, want %d", len(errs), errs, len(tt.want))
			}
			for i, err := range errs {
				if !strings.Contains(err.Error(), tt.want[i]) {
					t.Errorf("error %d = %q, want %q", i, err, tt.want[i])
				}
			}
		})
	}
}

func TestCheckPathWarnings(t *testing.T) {
	errs, warns := CheckPath(filepath.Join("testdata", "validate", "bad", "c_loop1.xml"))
	if len(errs) != 0 || len(warns) != 1 || !strings.Contains(warns[0], `"loop1" references sequence "loop2", which is not deployed`) {
		t.Errorf("errs=%v warnings=%q", errs, warns)
	}
}

func TestIsSequenceFile(t *testing.T) {
	for name, want := range map[string]bool{
		"global_ext.xml": true, "a.b.xml": true, ".global.xml.swp": false, "global.xml~": false,
		"global.xml.back": false, "global.xml.1.back": false, ".hidden.xml": false, "..data": false, "README": false,
	} {
		if got := IsSequenceFile(name); got != want {
			t.Errorf("IsSequenceFile(%q) = %v, want %v", name, got, want)
		}
	}
}
