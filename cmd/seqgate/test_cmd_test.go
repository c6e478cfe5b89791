package main

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testTree is a gateway home with one API and one sequence, and a test
// file beside the sequence with one passing and one failing case.
func testTree(t *testing.T) (root, testFile string) {
	t.Helper()
	root = t.TempDir()
	writeFile(t, filepath.Join(root, "seqgate.yaml"), `repository: .
apis:
  - { provider: admin, name: Shop, version: 1.0.0, context: /shop, auth: none,
      backend: [ "http://127.0.0.1:1/api" ], resources: [ { methods: [GET], uri_template: "/*" } ] }
`)
	dir := filepath.Join(root, superSeqDir)
	writeFile(t, filepath.Join(dir, "shop_in.xml"), `<sequence xmlns="http://ws.apache.org/ns/synapse" name="admin--Shop:v1.0.0--In">
    <header name="X-Shop" scope="transport" value="main"/>
</sequence>`)
	testFile = filepath.Join(dir, "shop.test.yaml")
	writeFile(t, testFile, `cases:
  - name: the backend gets X-Shop
    request: {path: /shop/1.0.0/cart}
    expect: {upstream: {path: /api/cart, headers: {X-Shop: main}}, status: 200}
  - name: wrong header value
    request: {path: /shop/1.0.0/cart}
    expect: {upstream: {headers: {X-Shop: outlet}}}
`)
	return root, testFile
}

func testRunner(args []string, out, errb *bytes.Buffer) int { return testCmd(args, out, errb) }

// TestTestCommand runs `seqgate test` on real files; the gateway and the
// echo backend serve real HTTP on 127.0.0.1.
func TestTestCommand(t *testing.T) {
	root, file := testTree(t)
	t.Run("failing case exits 1 and names the mismatch", func(t *testing.T) {
		junit := filepath.Join(t.TempDir(), "report.xml")
		code, out, _ := runCmd(testRunner, "-junit", junit, root)
		if code != 1 {
			t.Fatalf("exit %d, want 1\n%s", code, out)
		}
		for _, want := range []string{
			"--- FAIL: " + file + ": wrong header value (",
			`    upstream.headers.X-Shop: want equals "outlet", got "main"`,
			"1 passed, 1 failed",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "--- PASS") {
			t.Errorf("passing cases printed without -v:\n%s", out)
		}
		data, err := os.ReadFile(junit)
		if err != nil {
			t.Fatal(err)
		}
		var rep struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Suites   []struct {
				Name  string `xml:"name,attr"`
				Cases []struct {
					Name    string  `xml:"name,attr"`
					Failure *string `xml:"failure"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal(data, &rep); err != nil {
			t.Fatalf("junit: %v\n%s", err, data)
		}
		if rep.Tests != 2 || rep.Failures != 1 || len(rep.Suites) != 1 || rep.Suites[0].Name != file {
			t.Fatalf("junit = %+v", rep)
		}
		if c := rep.Suites[0].Cases[1]; c.Name != "wrong header value" || c.Failure == nil || !strings.Contains(*c.Failure, "outlet") {
			t.Errorf("junit case = %+v", c)
		}
	})
	t.Run("passing file exits 0", func(t *testing.T) {
		writeFile(t, file, strings.Replace(mustRead(t, file), "X-Shop: outlet", "X-Shop: {contains: ai}", 1))
		code, out, _ := runCmd(testRunner, "-v", file)
		if code != 0 || !strings.Contains(out, "--- PASS: "+file+": wrong header value (") || !strings.HasSuffix(out, "2 passed, 0 failed\n") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	t.Run("samples pass", func(t *testing.T) {
		code, out, _ := runCmd(testRunner, "../../samples")
		if code != 0 || !strings.Contains(out, " passed, 0 failed") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no test files", []string{t.TempDir()}, 2, "no *.test.yaml files"},
		{"missing path", []string{filepath.Join(root, "nope")}, 2, "no such file"},
		{"bad flag", []string{"-nope"}, 2, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCmd(testRunner, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, tc.code, tc.want)
			}
		})
	}
	t.Run("broken test file fails", func(t *testing.T) {
		writeFile(t, file, "cases:\n  - name: x\n    request: {path: /shop/1.0.0/}\n    expect: {stauts: 1}\n")
		code, out, _ := runCmd(testRunner, root)
		if code != 1 || !strings.Contains(out, "--- FAIL: "+file+"\n    "+file+":4: field stauts not found") || !strings.Contains(out, "0 passed, 1 failed") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
