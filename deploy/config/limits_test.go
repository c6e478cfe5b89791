package config

import (
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestLimitTableCoversLimits: every numeric field of Limits has a row in
// LimitTable, so none escapes the defaults and the positive check.
func TestLimitTableCoversLimits(t *testing.T) {
	in := map[string]bool{}
	for _, s := range LimitTable {
		if in[s.Key] {
			t.Errorf("LimitTable lists %s twice", s.Key)
		}
		in[s.Key] = true
	}
	ty := reflect.TypeOf(Limits{})
	for i := range ty.NumField() {
		f := ty.Field(i)
		if k := f.Type.Kind(); (k == reflect.Int || k == reflect.Int64) && !in[f.Tag.Get("yaml")] {
			t.Errorf("Limits.%s (limits.%s) has no row in LimitTable", f.Name, f.Tag.Get("yaml"))
		}
	}
	var c Config
	c.defaults()
	for _, s := range LimitTable {
		if got := s.field(&c.Limits).Int(); got != s.Default {
			t.Errorf("limits.%s defaults to %d, LimitTable says %d", s.Key, got, s.Default)
		}
	}
}

// TestLimitDocs: the rows of deploy/config/README.md and SECURITY.md that
// name a numeric limit key give LimitTable's default (and, in the limits
// tables, its status); every limit has a row in both files, and no row
// names a `limits.max_*` key the table does not know. A failure names the
// row to fix; SEQGATE_UPDATE_LIMITS=1 rewrites stale default cells.
func TestLimitDocs(t *testing.T) {
	specs := map[string]LimitSpec{}
	for _, s := range LimitTable {
		specs[s.Key] = s
	}
	for _, doc := range []string{"README.md", "../../SECURITY.md"} {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		seen, changed := map[string]bool{}, false
		for n, line := range lines {
			if !strings.HasPrefix(line, "|") {
				continue
			}
			cells := strings.Split(strings.Trim(line, "|"), " | ")
			for i, c := range cells {
				key, ok := strings.CutPrefix(strings.TrimSpace(c), "`limits.")
				if !ok || !strings.HasSuffix(key, "`") || i+1 >= len(cells) {
					continue
				}
				key = strings.TrimSuffix(key, "`")
				if strings.Trim(key, "abcdefghijklmnopqrstuvwxyz_") != "" {
					continue // a cell naming several keys
				}
				s, known := specs[key]
				if !known {
					if strings.HasPrefix(key, "max_") {
						t.Errorf("%s:%d names limits.%s, which LimitTable does not list", doc, n+1, key)
					}
					continue
				}
				seen[key] = true
				def := strings.TrimSpace(strings.ReplaceAll(cells[i+1], "`", ""))
				raw := strconv.FormatInt(s.Default, 10)
				if !startsWithWord(def, raw) && !startsWithWord(def, s.Human()) {
					if os.Getenv("SEQGATE_UPDATE_LIMITS") == "1" {
						cells[i+1] = s.Human()
						lines[n] = "|" + strings.Join(cells, " | ") + "|"
						changed = true
						continue
					}
					t.Errorf("%s:%d: limits.%s default %q; LimitTable says %s (%s)", doc, n+1, key, def, raw, s.Human())
				}
				if i == 1 && i+2 < len(cells) && !strings.Contains(cells[i+2], s.Status) {
					t.Errorf("%s:%d: limits.%s status %q does not say %q", doc, n+1, key, strings.TrimSpace(cells[i+2]), s.Status)
				}
			}
		}
		for _, s := range LimitTable {
			if !seen[s.Key] {
				t.Errorf("%s has no row for limits.%s (default %s, %s)", doc, s.Key, s.Human(), s.Status)
			}
		}
		if changed {
			if err := os.WriteFile(doc, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// startsWithWord: s is w, or w followed by a space ("100" is not "1000").
func startsWithWord(s, w string) bool {
	return s == w || strings.HasPrefix(s, w+" ")
}
