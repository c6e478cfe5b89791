package deploy

import (
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"
)

// TestNameCheckOnDeploy: once a NameCheck is installed, a deploy logs the
// warnings that are new for its tenant, once each; what was deployed
// before is taken as reported.
func TestNameCheckOnDeploy(t *testing.T) {
	f := newFixture(t, true)
	write(t, filepath.Join(f.super, "old.xml"), seq("bad_old", "1"))
	f.start()
	f.repo.SetNameCheck(func(domain string, names []string) []string {
		var out []string
		for _, n := range names {
			if strings.HasPrefix(n, "bad_") {
				out = append(out, "sequence "+n+": a trap")
			}
		}
		return out
	})
	warned := func(name string) int {
		return f.logs.FilterMessage("sequence never runs").FilterField(zap.String("reason", "sequence "+name+": a trap")).Len()
	}
	write(t, filepath.Join(f.super, "new.xml"), seq("bad_new", "1"))
	eventually(t, "the new trap logged", func() bool { return warned("bad_new") == 1 })
	write(t, filepath.Join(f.super, "fine.xml"), seq("fine", "1"))
	eventually(t, "the next deploy", func() bool { return f.repo.Set("carbon.super").Get("fine") != nil })
	f.repo.Reload()
	if warned("bad_old") != 0 || warned("bad_new") != 1 {
		t.Errorf("bad_old logged %d times (deployed before the check: 0), bad_new %d (once)", warned("bad_old"), warned("bad_new"))
	}
}
