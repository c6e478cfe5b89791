package e2e

import (
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEnvSubstitution: the config names its traffic listener, admin
// listener and backend URL by environment variables (${VAR},
// ${VAR:-default}, $env{VAR}); the gateway listens where the environment
// says and forwards to the backend it names. A variable that is not set
// refuses the config with a line naming it at its file:line (check exit 1,
// run exit 2), not an empty string. Not parallel: it sets the environment
// the binary inherits.
func TestEnvSubstitution(t *testing.T) {
	dir := t.TempDir()
	g := &gateway{t: t, backend: newBackend(t), client: newClient()}
	g.superDir, g.acmeDir = makeRepo(t, dir)
	cfgPath := filepath.Join(dir, "config.yaml")
	envConfig := func(traffic, admin string) string {
		y := gwConfig{}.yaml(traffic, admin, g.backend.url())
		y = regexp.MustCompile(`(?m)^(\s+)http: \S+$`).ReplaceAllString(y, `${1}http: "$${SG_E2E_HTTP}"`)
		y = regexp.MustCompile(`(?m)^(\s+)admin: \S+$`).ReplaceAllString(y, `${1}admin: $${SG_E2E_UNSET_ADMIN:-`+admin+`}`)
		return strings.ReplaceAll(y, g.backend.url(), "$env{SG_E2E_BACKEND}")
	}
	started := false
	for attempt := 0; attempt < 3 && !started; attempt++ {
		traffic, admin := freePort(t), freePort(t)
		t.Setenv("SG_E2E_HTTP", traffic)
		t.Setenv("SG_E2E_BACKEND", g.backend.url())
		y := envConfig(traffic, admin)
		for _, want := range []string{`"${SG_E2E_HTTP}"`, "${SG_E2E_UNSET_ADMIN:-", "$env{SG_E2E_BACKEND}/be/orders"} {
			if !strings.Contains(y, want) {
				t.Fatalf("config has no %q:\n%s", want, y)
			}
		}
		writeFile(t, cfgPath, y)
		started = g.launch(cfgPath, traffic, admin)
	}
	if !started {
		t.Fatalf("seqgate did not start after 3 attempts; stderr:\n%s", g.stderr.String())
	}
	r := g.doReq("GET", "/orders/1.0.0/42", withKey(keyApp1), "")
	if r.Status != http.StatusOK {
		t.Fatalf("status %d, body %s; stderr:\n%s", r.Status, r.Body, tail(g.stderr.String(), 2000))
	}
	if got := g.backend.mustGet(t, r.ID).Path; got != "/be/orders/42" {
		t.Errorf("backend got path %q, want /be/orders/42", got)
	}

	// The same config with the backend variable unset.
	bad := strings.ReplaceAll(envConfig(freePort(t), freePort(t)), "$env{SG_E2E_BACKEND}", "${SG_E2E_UNSET_BACKEND}")
	line := 0
	for i, l := range strings.Split(bad, "\n") {
		if strings.Contains(l, "SG_E2E_UNSET_BACKEND") {
			line = i + 1
			break
		}
	}
	badPath := filepath.Join(dir, "bad.yaml")
	writeFile(t, badPath, bad)
	re := regexp.MustCompile(fmt.Sprintf(`(?m)bad\.yaml:%d: environment variable SG_E2E_UNSET_BACKEND is not set`, line))
	for _, run := range []struct {
		args []string
		code int
	}{{[]string{"check", "-config", badPath}, 1}, {[]string{"run", "-config", badPath}, 2}} {
		code, _, stderr := runCLI(t, run.args...)
		if code != run.code || !re.MatchString(stderr) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit %d and a line matching %q", run.args, code, stderr, run.code, re)
		}
	}
}
