package seqtest

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const seqDir = "testdata/home/repository/deployment/server/synapse-configs/default/sequences"

// TestPass exercises every matcher kind on cases that must pass.
func TestPass(t *testing.T) {
	rep, err := RunFile(filepath.Join(seqDir, "pass.test.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Cases) != 2 {
		t.Fatalf("ran %d cases, want 2", len(rep.Cases))
	}
	for _, c := range rep.Cases {
		for _, f := range c.Failures {
			t.Errorf("%s: %s", c.Name, f)
		}
	}
}

// TestMismatches checks that each failing case names its field, what was
// wanted and what came.
func TestMismatches(t *testing.T) {
	want := map[string]string{
		"status":          `status: want 404, got 200`,
		"header":          `headers.X-Resp-Added: want equals "2", got "1"`,
		"header absent":   `headers.X-Resp-Added: want absent, got "1"`,
		"upstream path":   `upstream.path: want equals "/base/y", got "/base/x"`,
		"upstream header": `upstream.headers.X-Trace: want contains "zzz", got "t-1"`,
		"not called":      `upstream: want no backend call, got GET /base/x`,
		"json":            `body json $.method: want "POST", got "GET"`,
		"json missing":    `body json $.nope: want 1, got nothing`,
		"xpath":           `body xpath //id: want equals "8", got "7"`,
		"not xml":         `body: want XML, got "{`,
		"body contains":   `body: want contains "nothing-like-this", got "{`,
		"logs":            `logs: want a line contains "seen = /y", got 1 lines ["seen = /x"]`,
		"logs absent":     `logs: want no line contains "seen", got "seen = /x"`,
	}
	rep, err := RunFile(filepath.Join(seqDir, "fail.test.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Cases) != len(want) {
		t.Fatalf("ran %d cases, want %d", len(rep.Cases), len(want))
	}
	for _, c := range rep.Cases {
		if len(c.Failures) != 1 || !strings.HasPrefix(c.Failures[0], want[c.Name]) {
			t.Errorf("%s: failures %q, want one starting %q", c.Name, c.Failures, want[c.Name])
		}
	}
	var out bytes.Buffer
	WriteFile(&out, rep, false)
	if !strings.Contains(out.String(), "--- FAIL: "+filepath.Join(seqDir, "fail.test.yaml")+": status (") {
		t.Errorf("output does not name the file and case:\n%s", out.String())
	}
}

// TestLoadErrors: a bad file is refused when it loads, with its line.
func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown key", "cases:\n  - name: a\n    request: {path: /x}\n    expect: {stauts: 200}\n", "4: field stauts not found"},
		{"bad regex", "cases:\n  - name: a\n    request: {path: /x}\n    expect: {headers: {X: {matches: '('}}}\n", "4: matches: error parsing regexp"},
		{"bad xpath", "cases:\n  - name: a\n    request: {path: /x}\n    expect:\n      body: {xpath: {'//[': x}}\n", `5: xpath "//["`},
		{"bad jsonpath", "cases:\n  - name: a\n    request: {path: /x}\n    expect:\n      body: {json: {'$.[': x}}\n", `json path "$.["`},
		{"empty matcher", "cases:\n  - name: a\n    request: {path: /x}\n    expect: {headers: {X: {}}}\n", "4: a matcher needs"},
		{"no cases", "cases: []\n", "no cases"},
		{"duplicate", "cases:\n  - {name: a, request: {path: /x}}\n  - {name: a, request: {path: /x}}\n", `duplicate name "a"`},
		{"relative path", "cases:\n  - {name: a, request: {path: x}}\n", "does not start with /"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x.test.yaml")
			if err := os.WriteFile(p, []byte(tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), p+":") {
				t.Fatalf("err = %v, want %s: ...%s...", err, p, tc.want)
			}
		})
	}
}

// TestMinimalConfig: a file with no config above it runs on one API made
// from its api: block, on the WSO2 home it sits in.
func TestMinimalConfig(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "repository/deployment/server/synapse-configs/default/sequences")
	seq, err := os.ReadFile(filepath.Join(seqDir, "echo_in.xml"))
	if err != nil {
		t.Fatal(err)
	}
	test := "api: {provider: admin, name: Echo, version: 1.0.0, context: /echo}\ncases:\n" +
		"  - name: sequence runs\n    request: {path: /echo/1.0.0/z}\n" +
		"    expect: {upstream: {path: /z, headers: {X-Trace: t-1}}, logs: [{equals: seen = /z}]}\n"
	for name, data := range map[string]string{"echo_in.xml": string(seq), "m.test.yaml": test} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := RunFile(filepath.Join(dir, "m.test.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Cases) != 1 || !rep.Cases[0].Passed() {
		t.Fatalf("cases = %+v", rep.Cases)
	}
}

// TestRefusedSequence: a sequence that does not compile stops the file.
func TestRefusedSequence(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "repository/deployment/server/synapse-configs/default/sequences")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"bad.xml":     `<sequence xmlns="http://ws.apache.org/ns/synapse" name="x"><nosuchmediator/></sequence>`,
		"t.test.yaml": "api: {provider: a, name: E, version: 1.0.0, context: /e}\ncases:\n  - {name: a, request: {path: /e/1.0.0/}}\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := RunFile(filepath.Join(dir, "t.test.yaml"), Options{})
	if err == nil || !strings.Contains(err.Error(), "bad.xml refused") {
		t.Fatalf("err = %v, want bad.xml refused", err)
	}
}

// TestRefusedAPIFile: an api file the gateway does not serve stops the
// file as a refused sequence does, whether it does not compile or its
// context is the config's API's (the minimal config's here).
func TestRefusedAPIFile(t *testing.T) {
	for name, c := range map[string]struct{ api, want string }{
		"does not compile": {`<api xmlns="http://ws.apache.org/ns/synapse" name="a--X" context="/x/1.0.0" version="1.0.0">
  <resource methods="GET" url-mapping="/*"><inSequence><nosuchmediator/></inSequence></resource></api>`, "x.xml refused"},
		"context taken": {`<api xmlns="http://ws.apache.org/ns/synapse" name="a--X" context="/e/1.0.0" version="1.0.0">
  <resource methods="GET" url-mapping="/*"><inSequence><respond/></inSequence></resource></api>`, "context /e/1.0.0 is already served"},
	} {
		t.Run(name, func(t *testing.T) {
			def := filepath.Join(t.TempDir(), "repository/deployment/server/synapse-configs/default")
			files := map[string]string{
				"api/x.xml":             c.api,
				"sequences/t.test.yaml": "api: {provider: a, name: E, version: 1.0.0, context: /e}\ncases:\n  - {name: a, request: {path: /e/1.0.0/}}\n",
			}
			for name, data := range files {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(def, name)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(def, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := RunFile(filepath.Join(def, "sequences", "t.test.yaml"), Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

// TestJUnit: the report parses back with its counts and failure texts.
func TestJUnit(t *testing.T) {
	var rep Report
	r := NewRunner(Options{})
	defer r.Close()
	for _, f := range []string{"pass.test.yaml", "fail.test.yaml"} {
		fr, err := r.RunFile(filepath.Join(seqDir, f))
		rep.Add(fr, err)
	}
	var buf bytes.Buffer
	if err := rep.WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	var got junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("junit does not parse: %v\n%s", err, buf.String())
	}
	if got.Tests != 15 || got.Failures != 13 || len(got.Suites) != 2 {
		t.Fatalf("tests=%d failures=%d suites=%d, want 15, 13, 2", got.Tests, got.Failures, len(got.Suites))
	}
	if f := got.Suites[1].Cases[0].Failure; f == nil || !strings.Contains(f.Text, "status: want 404, got 200") {
		t.Errorf("first failure = %+v", f)
	}
}
