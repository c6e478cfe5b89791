package e2e

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// runCLI runs the binary to completion (bounded to 10 s) and returns its
// exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLIIn(t, "", args...)
}

// runCLIIn is runCLI in the working folder dir ("" : the test's).
func runCLIIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("seqgate %v did not exit within 10s; stderr:\n%s", args, stderr.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("seqgate %v: %v", args, err)
	}
	return code, stdout.String(), stderr.String()
}

// TestValidate: `seqgate validate` reports each bad file as
// file:line: <element>: reason, prints a summary, and exits 1 if any file
// is refused.
func TestValidate(t *testing.T) {
	t.Parallel()
	good := seq("WSO2AM--Ext--In", setHeader("X-A", "1"))
	bad := seq("WSO2AM--Ext--Out", setHeader("X-A", "1"), "<foo/>") // <foo/> on line 4
	broken := seq("Broken", "<log level=\"custom\">")               // never closed
	// Four bad mediators, one nested: every one is reported with its line,
	// not only the first (issue 16, silent traps).
	manyBad := `<sequence xmlns="http://ws.apache.org/ns/synapse" name="WSO2AM--Ext--In">
  <property name="a" expression="count("/>
  <filter source="get-property('a')" regex="1">
    <then>
      <property name="b" expression="//["/>
    </then>
  </filter>
  <propery name="c" value="1"/>
  <property name="d" expression="json-eval("/>
</sequence>
`
	cases := []struct {
		name       string
		files      map[string]string
		arg        string // relative to the temp dir; "" is the dir itself
		wantCode   int
		wantErrs   []string // regexps each matching a stderr line
		wantSum    string   // regexp for stdout
		quietAbout string   // a file stderr must not mention
	}{
		{"one good one bad", map[string]string{"good.xml": good, "bad.xml": bad}, "", 1,
			[]string{`bad\.xml:4: <foo>: unsupported mediator`}, `2 files, 1 valid, 1 refused`, "good.xml"},
		{"all good, recursive", map[string]string{"a.xml": good, "sub/deeper/b.xml": good}, "", 0,
			nil, `2 files, 2 valid, 0 refused`, "a.xml"},
		{"malformed xml", map[string]string{"broken.xml": broken}, "", 1,
			[]string{`broken\.xml:\d+: `}, `1 files?, 0 valid, 1 refused`, ""},
		{"single file", map[string]string{"good.xml": good, "bad.xml": bad}, "good.xml", 0,
			nil, `1 files?, 1 valid, 0 refused`, "bad.xml"},
		{"every error of a file", map[string]string{"many.xml": manyBad}, "many.xml", 1,
			[]string{
				`many\.xml:2: <property>: expression="count\(": `,
				`many\.xml:5: <property>: expression="//\[": `,
				`many\.xml:8: <propery>: unknown mediator <propery>; did you mean <property>\?$`,
				`many\.xml:9: <property>: expression="json-eval\(": `,
			}, `1 files?, 0 valid, 1 refused`, ""},
		// API-M 4.x operation policies, rendered from their spec's defaults
		// as the deployment renders them.
		{"operation policies", map[string]string{
			"addHeader_v1.j2":   "<header name=\"{{headerName}}\" scope=\"transport\" value=\"{{headerValue}}\"/>\n",
			"addHeader_v1.yaml": "name: addHeader\npolicyAttributes:\n  - {name: headerName, defaultValue: X-A}\n  - {name: headerValue, defaultValue: '1'}\n",
			"loop_v1.j2":        "<property name=\"a\" value=\"1\"/>\n{% for h in headers %}\n{% endfor %}\n",
			"badmed_v1.j2":      "{% if on %}\n<header name=\"Y\" value=\"2\"/>\n{% endif %}\n<header name=\"X\" value=\"1\"/>\n<property name=\"b\" expression=\"count(\"/>\n",
			"needs_v1.j2":       "<property name=\"{{p}}\" value=\"1\"/>\n",
			"needs_v1.json":     `{"name": "needs", "policyAttributes": [{"name": "p", "required": true}]}`,
		}, "", 1,
			[]string{`loop_v1\.j2:2: .*unsupported Jinja tag`, `badmed_v1\.j2:5: <property>: expression="count\(": `, `needs_v1\.j2: .*required policy attributes p have no defaultValue`},
			`4 files, 1 valid, 3 refused`, "addHeader_v1.j2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, xml := range c.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				writeFile(t, p, xml)
			}
			code, stdout, stderr := runCLI(t, "validate", filepath.Join(dir, c.arg))
			if code != c.wantCode {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, c.wantCode, stderr)
			}
			for _, re := range c.wantErrs {
				if !regexp.MustCompile(`(?m)` + re).MatchString(stderr) {
					t.Errorf("stderr has no line matching %q:\n%s", re, stderr)
				}
			}
			if !regexp.MustCompile(c.wantSum).MatchString(stdout) {
				t.Errorf("stdout = %q, want a summary matching %q", stdout, c.wantSum)
			}
			if c.quietAbout != "" && strings.Contains(stderr, c.quietAbout+":") {
				t.Errorf("stderr mentions valid file %s:\n%s", c.quietAbout, stderr)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "version")
	if code != 0 || !regexp.MustCompile(`^seqgate \S+`).MatchString(stdout) {
		t.Errorf("version: exit %d, stdout %q, stderr %q; want exit 0 and `seqgate <version>`", code, stdout, stderr)
	}
}

// TestBadConfig: a bad config stops the binary before anything listens,
// with exit code 2 and an error naming the key.
func TestBadConfig(t *testing.T) {
	t.Parallel()
	unknownTier := ordersAPI()
	unknownTier.Tier = "Platinum"
	cases := []struct {
		name  string
		cfg   gwConfig
		extra string // appended to the YAML
		want  string // stderr must contain it
	}{
		{"bad extension position", gwConfig{Position: "middle"}, "", "extension_handler_position"},
		{"unknown key", gwConfig{}, "listn: {http: \"127.0.0.1:1\"}\n", "listn"},
		{"unknown tier", gwConfig{APIs: []apiDef{unknownTier}}, "", "Platinum"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			makeRepo(t, dir)
			traffic, admin := freePort(t), freePort(t)
			cfgPath := filepath.Join(dir, "config.yaml")
			writeFile(t, cfgPath, c.cfg.yaml(traffic, admin, "http://127.0.0.1:1")+c.extra)
			code, _, stderr := runCLI(t, "run", "-config", cfgPath)
			if code != 2 {
				t.Errorf("exit code = %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr does not name %q:\n%s", c.want, stderr)
			}
			if strings.Contains(stderr, `"listening"`) {
				t.Errorf("a listener was opened despite the bad config:\n%s", stderr)
			}
			if conn, err := net.DialTimeout("tcp", traffic, time.Second); err == nil {
				conn.Close()
				t.Errorf("traffic port %s is listening after a bad config", traffic)
			}
		})
	}
}

// TestHelp: the top-level help lists every command; each command's -h,
// --help and `help <cmd>` print its positional arguments and flags with
// exit 0; a bad flag is exit 2 with the usage on stderr.
func TestHelp(t *testing.T) {
	t.Parallel()
	cmds := []string{"run", "check", "validate", "fmt", "lint", "explain", "test", "import", "version", "help"}
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		code, stdout, stderr := runCLI(t, args...)
		if code != 0 {
			t.Errorf("seqgate %v: exit %d, want 0; stderr:\n%s", args, code, stderr)
		}
		for _, c := range cmds {
			if !regexp.MustCompile(`(?m)^  ` + c + ` +\S`).MatchString(stdout) {
				t.Errorf("seqgate %v does not list %q with a summary:\n%s", args, c, stdout)
			}
		}
	}
	want := map[string][]string{ // what each command's help must show
		"run":      {"-config", "-workdir", "-log-level"},
		"check":    {"-config"},
		"validate": {"<file-or-folder"},
		"fmt":      {"<file-or-folder>...", "-w"},
		"lint":     {"<file-or-folder>..."},
		"explain":  {"<tenant> <METHOD> <path>", "-json", "carbon.super"},
		"test":     {"[path...]", "-junit"},
		"import":   {"<project dir | project.zip | openapi.yaml", "-o", "-tenant", "--In/Out/Fault"},
	}
	for cmd, subs := range want {
		for _, args := range [][]string{{cmd, "-h"}, {cmd, "--help"}, {"help", cmd}} {
			code, stdout, stderr := runCLI(t, args...)
			if code != 0 || !strings.HasPrefix(stdout, "usage: seqgate "+cmd) || !containsAll(stdout, subs...) {
				t.Errorf("seqgate %v: exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 0 and usage with %q", args, code, stdout, stderr, subs)
			}
		}
	}
	code, _, stderr := runCLI(t, "explain", "-nope")
	if code != 2 || !strings.Contains(stderr, "usage: seqgate explain") {
		t.Errorf("explain -nope: exit %d, stderr:\n%s\nwant 2 and the usage", code, stderr)
	}
	code, _, stderr = runCLI(t, "frobnicate")
	if code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, stderr:\n%s", code, stderr)
	}
}

// TestVersionFlags: --version, -version and version print the version,
// the commit and the build time (unknown when the build was not stamped).
func TestVersionFlags(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"--version", "-version", "version"} {
		code, stdout, stderr := runCLI(t, arg)
		if code != 0 || !regexp.MustCompile(`^seqgate \S+ \(commit \S+.*, built \S+`).MatchString(stdout) {
			t.Errorf("seqgate %s: exit %d, stdout %q, stderr %q; want `seqgate <v> (commit <rev>, built <time>...)`", arg, code, stdout, stderr)
		}
	}
}

// TestCheck: `seqgate check -config` (and validate on a .yaml) loads the
// config and the repository as run would, without listening, and reports
// every problem as file:line with exit 1; a good setup is exit 0.
func TestCheck(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T, extra string, files map[string]string) (string, string) {
		dir := t.TempDir()
		superDir, _ := makeRepo(t, dir)
		for name, xml := range files {
			writeFile(t, filepath.Join(superDir, name), xml)
		}
		traffic := freePort(t)
		cfgPath := filepath.Join(dir, "config.yaml")
		writeFile(t, cfgPath, gwConfig{}.yaml(traffic, freePort(t), "http://127.0.0.1:1")+extra)
		return cfgPath, traffic
	}
	good := seq("WSO2AM--Ext--In", setHeader("X-A", "1"))
	bad := seq("WSO2AM--Ext--Out", setHeader("X-A", "1"), "<foo/>")
	cases := []struct {
		name     string
		extra    string
		files    map[string]string
		wantCode int
		wantErr  []string // regexps on stderr
		wantOut  string   // regexp on stdout
	}{
		{"good", "", map[string]string{"good.xml": good}, 0, nil, `config ok, .*1 files, 1 valid, 0 refused`},
		{"refused sequence", "", map[string]string{"good.xml": good, "bad.xml": bad}, 1,
			[]string{`bad\.xml:4: <foo>: unsupported mediator`}, `2 files, 1 valid, 1 refused`},
		{"unknown key", "listn: {http: \"127.0.0.1:1\"}\n", nil, 1, []string{`config\.yaml:\d+: .*listn`}, `config refused`},
		{"missing repository", "", nil, 1, []string{`config\.yaml:\d+: repository: \S+ does not exist`}, `config refused`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfgPath, traffic := setup(t, c.extra, c.files)
			if c.name == "missing repository" {
				if err := os.RemoveAll(filepath.Join(filepath.Dir(cfgPath), "home")); err != nil {
					t.Fatal(err)
				}
			}
			for _, args := range [][]string{{"check", "-config", cfgPath}, {"validate", cfgPath}} {
				code, stdout, stderr := runCLI(t, args...)
				if code != c.wantCode {
					t.Errorf("%v: exit %d, want %d; stderr:\n%s", args, code, c.wantCode, stderr)
				}
				for _, re := range c.wantErr {
					if !regexp.MustCompile(`(?m)` + re).MatchString(stderr) {
						t.Errorf("%v: stderr has no line matching %q:\n%s", args, re, stderr)
					}
				}
				if !regexp.MustCompile(c.wantOut).MatchString(stdout) {
					t.Errorf("%v: stdout = %q, want %q", args, stdout, c.wantOut)
				}
			}
			if conn, err := net.DialTimeout("tcp", traffic, time.Second); err == nil {
				conn.Close()
				t.Errorf("check opened the traffic port %s", traffic)
			}
		})
	}
	code, _, stderr := runCLI(t, "check")
	if code != 2 || !strings.Contains(stderr, "usage: seqgate check") {
		t.Errorf("check without -config: exit %d, stderr:\n%s", code, stderr)
	}
}

// TestStartConfigErrors: a repository that does not exist, an empty
// repository: and a traffic port in use stop run with one stderr line
// naming the config key and exit 2 (were a JSON log line and exit 1).
func TestStartConfigErrors(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() }) // the parallel subtests run after this function returns
	cases := []struct {
		name   string
		edit   func(yaml, traffic string) string
		want   string
		noRepo bool
	}{
		{"missing repository", func(y, _ string) string { return y }, `repository: \S+ does not exist`, true},
		{"empty repository", func(y, _ string) string {
			return regexp.MustCompile(`(?m)^repository:.*$`).ReplaceAllString(y, "repository:")
		}, `repository: is empty`, false},
		{"port in use", func(y, traffic string) string {
			return strings.ReplaceAll(y, traffic, busy.Addr().String())
		}, `listen\.http: .*address already in use`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if !c.noRepo {
				makeRepo(t, dir)
			}
			cfgPath := filepath.Join(dir, "config.yaml")
			traffic := freePort(t)
			writeFile(t, cfgPath, c.edit(gwConfig{}.yaml(traffic, freePort(t), "http://127.0.0.1:1"), traffic))
			code, _, stderr := runCLI(t, "run", "-config", cfgPath)
			if code != 2 || !regexp.MustCompile(`(?m)^seqgate: \S*config\.yaml:\d+: `+c.want).MatchString(stderr) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and a line matching %q", code, stderr, c.want)
			}
		})
	}
}

// TestConfigErrorLines: an unknown key is named by its key path with the
// closest known key of its section (not yaml.v3's Go type name), and a
// YAML indentation error points at the mis-indented line, not at the start
// of the enclosing block (yaml.v3 reports that, often a comment 2-7 lines
// higher). Each through check (exit 1) and run (exit 2).
func TestConfigErrorLines(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, yaml string
		want       string // regexp on stderr, after config.yaml:
	}{
		{"unknown api key", "repository: ./home\napis:\n  - name: A\n    version: v1\n    contxt: /a\n",
			`:5: apis\[0\]\.contxt: unknown key; did you mean "context"\?`},
		{"unknown top key", "repository: ./home\nlistn:\n  http: 127.0.0.1:1\n", `:2: listn: unknown key; did you mean "listen"\?`},
		{"mis-indented key after a comment", "repository: ./home\nlisten:\n  http: 127.0.0.1:1\n  # the admin port\n\n admin: 127.0.0.1:2\n",
			`:6: did not find expected key`},
		{"over-indented key in a list item", "apis:\n  - name: a\n    context: /a\n   # c\n\n     version: v1\n", `:6: did not find expected key`},
		{"key dedented out of a list item", "apis:\n  - name: a\n    context: /a\n\n  # comment\n  version: v1\n", `:6: did not find expected '-' indicator`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfgPath := filepath.Join(t.TempDir(), "config.yaml")
			writeFile(t, cfgPath, c.yaml)
			re := regexp.MustCompile(`(?m)config\.yaml` + c.want + `$`)
			for _, run := range []struct {
				args []string
				code int
			}{{[]string{"check", "-config", cfgPath}, 1}, {[]string{"run", "-config", cfgPath}, 2}} {
				code, _, stderr := runCLI(t, run.args...)
				if code != run.code || !re.MatchString(stderr) || strings.Contains(stderr, "not found in type") {
					t.Errorf("%v: exit %d, stderr:\n%s\nwant exit %d and a line matching %q", run.args, code, stderr, run.code, re)
				}
			}
		})
	}
}

// TestNearMissSequenceName: a sequence named like a per-API or global
// extension sequence that no declared API runs (admin--Orders:1.0.0--In,
// the "v" missing) deploys and would never run: check warns about it
// (exit stays 0: it deploys), lint reports the malformed name, and run
// logs it at start, and /admin/config lists it (hot-deployed ones too).
func TestNearMissSequenceName(t *testing.T) {
	t.Parallel()
	miss := seq("admin--Orders:1.0.0--In", setHeader("X-A", "1"))
	stray := seq("admin--Nothing:v9--Out", setHeader("X-A", "1"))
	ok := seq("admin--Orders:v1.0.0--Out", setHeader("X-A", "1"))
	cfg := gwConfig{APIs: []apiDef{ordersAPI()}}
	wantMiss := `near miss of admin--Orders:v1.0.0--In`
	wantStray := `sequence admin--Nothing:v9--Out: named like an extension sequence but matches no declared API`

	dir := t.TempDir()
	superDir, _ := makeRepo(t, dir)
	writeFile(t, filepath.Join(superDir, "miss.xml"), miss)
	writeFile(t, filepath.Join(superDir, "stray.xml"), stray)
	writeFile(t, filepath.Join(superDir, "ok.xml"), ok)
	cfgPath := filepath.Join(dir, "config.yaml")
	writeFile(t, cfgPath, cfg.yaml(freePort(t), freePort(t), "http://127.0.0.1:1"))
	code, stdout, stderr := runCLI(t, "check", "-config", cfgPath)
	if code != 0 || !containsAll(stderr, "warning: carbon.super: sequence admin--Orders:1.0.0--In: "+wantMiss, wantStray) ||
		strings.Contains(stderr, "admin--Orders:v1.0.0--Out:") || !strings.Contains(stdout, "2 warnings") {
		t.Errorf("check: exit %d, stdout %q, stderr:\n%s\nwant exit 0, the near miss and the stray named, the valid name not", code, stdout, stderr)
	}

	// lint has no config: it sees the shape (the missing v), not the unknown API.
	code, stdout, stderr = runCLI(t, "lint", superDir)
	if code != 1 || !strings.Contains(stdout, `miss.xml:2: <sequence>: sequence "admin--Orders:1.0.0--In" never runs: an extension sequence is named "admin--Orders:v1.0.0--In"`) ||
		!strings.Contains(stdout, "[extension-name]") || strings.Contains(stdout, "ok.xml") {
		t.Errorf("lint: exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 1 and the misnamed file only", code, stdout, stderr)
	}

	g := startGateway(t, cfg, seqFile{0, "miss.xml", miss}, seqFile{0, "ok.xml", ok})
	waitFor(t, "the near-miss warning in the log", 10*time.Second, func() bool {
		return len(g.stderr.lines(`"sequence never runs"`, wantMiss)) > 0
	})
	// The admin config status lists them live: a near miss hot-deployed now shows without a reload.
	writeSeq(t, g.superDir, "late.xml", seq("WSO2AM--Ext--in", setHeader("X-A", "1")))
	waitFor(t, "both warnings in /admin/config", 10*time.Second, func() bool {
		_, _, body := get(g.client, g.admin+"/admin/config")
		return containsAll(string(body), wantMiss, "near miss of WSO2AM--Ext--In")
	})
}

// TestTestSkipsTestdata: `seqgate test` with no argument walks the current
// folder as go test does, skipping testdata folders (a checkout's root held
// handlers/seqtest/testdata's intentionally failing files, and the command
// failed on them); naming such a folder still runs it.
func TestTestSkipsTestdata(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "pkg", "testdata"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "pkg", "testdata", "fail.test.yaml"), "cases:\n  - name: x\n    expect: {stauts: 1}\n")
	code, stdout, stderr := runCLIIn(t, dir, "test")
	if code != 2 || !strings.Contains(stderr, "no *.test.yaml files under [.]") {
		t.Errorf("seqgate test in a tree whose only test file is under testdata: exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 2, no test files", code, stdout, stderr)
	}
	code, stdout, _ = runCLIIn(t, dir, "test", filepath.Join("pkg", "testdata"))
	if code != 1 || !strings.Contains(stdout, "fail.test.yaml") {
		t.Errorf("seqgate test pkg/testdata: exit %d, stdout:\n%s\nwant exit 1 and the file run", code, stdout)
	}
}

// TestTestServesAPIFiles: `seqgate test` builds the gateway as `seqgate
// run` does, so the API-M api files of the home (<home>/.../default/api)
// serve next to the config's APIs: a case on an api file's API runs its
// handlers, its inSequence's <send> to the named endpoint (called as the
// file writes it, not the echo backend) and its outSequence. Before the
// runtime built seqtest's gateway the api files were not read and the
// case got 404.
func TestTestServesAPIFiles(t *testing.T) {
	t.Parallel()
	rec := newBackend(t)
	home := t.TempDir()
	def := filepath.Join(home, "repository", "deployment", "server", "synapse-configs", "default")
	for _, d := range []string{"sequences", "api", "endpoints"} {
		if err := os.MkdirAll(filepath.Join(def, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(home, "seqgate.yaml"), `repository: .
applications:
  - { name: App, id: "1", consumer_key: ck, user: alice, tenant: carbon.super, keys: [ "carte-key" ] }
`)
	writeFile(t, filepath.Join(def, "api", "admin--Carte_v1.0.0.xml"), carteAPI("/menu"))
	writeFile(t, filepath.Join(def, "endpoints", "carte.xml"),
		`<endpoint xmlns="http://ws.apache.org/ns/synapse" name="admin--Carte_APIproductionEndpoint_0"><address uri="`+rec.url()+`/be/carte"/></endpoint>`)
	writeFile(t, filepath.Join(home, "carte.test.yaml"), `cases:
  - name: the api file's API answers through its endpoint and outSequence
    request: {path: /carte/1.0.0/menu, headers: {apikey: carte-key}}
    expect:
      status: 200
      headers: {X-Out: carte}
      body: {json: {$.path: /be/carte/menu}}
      upstream: {called: false}
  - name: its APIAuthenticationHandler asks for a key
    request: {path: /carte/1.0.0/menu}
    expect: {status: 401}
`)
	code, stdout, stderr := runCLIIn(t, home, "test", "-v")
	if code != 0 || !strings.Contains(stdout, "2 passed, 0 failed") {
		t.Fatalf("seqgate test on an API-M home: exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 0, 2 passed", code, stdout, stderr)
	}
	if n := rec.hits(); n != 1 {
		t.Errorf("the api file's endpoint got %d requests, want 1", n)
	}
}

// TestNearMissHotDeployLogged: a misnamed sequence dropped in while the
// gateway runs is reported in the deploy log when it deploys (not only by
// check, lint, the start log and /admin/config), once: a later deploy of
// another file does not repeat it.
func TestNearMissHotDeployLogged(t *testing.T) {
	t.Parallel()
	ok := seq("admin--Orders:v1.0.0--Out", setHeader("X-A", "1"))
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI()}}, seqFile{0, "ok.xml", ok})
	const want = "near miss of admin--Orders:v1.0.0--In"
	if n := len(g.stderr.lines(`"sequence never runs"`)); n != 0 {
		t.Fatalf("%d warnings at start, want none:\n%s", n, g.stderr.String())
	}
	writeSeq(t, g.superDir, "miss.xml", seq("admin--Orders:1.0.0--In", setHeader("X-A", "1")))
	waitFor(t, "the near-miss warning of the hot deploy in the log", 10*time.Second, func() bool {
		return len(g.stderr.lines(`"sequence never runs"`, want, `"tenant":"carbon.super"`)) > 0
	})
	writeSeq(t, g.superDir, "other.xml", seq("shared_helper", setHeader("X-B", "1")))
	waitFor(t, "the next deploy", 10*time.Second, func() bool {
		return len(g.stderr.lines(`"sequence deployed"`, "shared_helper")) > 0
	})
	if n := len(g.stderr.lines(`"sequence never runs"`, want)); n != 1 {
		t.Errorf("the near miss was logged %d times, want once:\n%s", n, strings.Join(g.stderr.lines(`"sequence never runs"`), "\n"))
	}
}
