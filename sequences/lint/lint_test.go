package lint

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/sequences"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden lints each testdata/<case>/ folder and compares the findings
// (file names relative to the folder) with its want.txt.
func TestGolden(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/*")
	if len(dirs) == 0 {
		t.Fatal("no golden cases")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			findings, err := Paths([]string{dir})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, f := range findings {
				f.File = filepath.Base(f.File)
				b.WriteString(f.String() + "\n")
			}
			checkGolden(t, filepath.Join(dir, "want.txt"), b.String())
		})
	}
}

// TestOneFileSeesItsFolder: naming one file still counts the setters of
// its folder, and only that file's findings are reported.
func TestOneFileSeesItsFolder(t *testing.T) {
	findings, err := Paths([]string{"testdata/property-never-set/reader.xml", "testdata/property-never-set/reader.xml"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range findings {
		if f.File != "testdata/property-never-set/reader.xml" {
			t.Errorf("finding for a file not named: %v", f)
		}
		names = append(names, f.Msg[strings.Index(f.Msg, `"`):strings.Index(f.Msg, " is")])
	}
	want := `"requestID" "tierHint" "statusHint" "savedBody"` // a log property is a label, not a setter
	if got := strings.Join(names, " "); got != want {
		t.Errorf("findings for %s, want %s", got, want)
	}
}

// TestErrors: a missing path or a file that is not XML is an error, and
// the other files are still linted.
func TestErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.xml")
	os.WriteFile(bad, []byte("<sequence name=\"x\">\n<drop/><log/>\n"), 0o644)
	good := filepath.Join(dir, "good.xml")
	os.WriteFile(good, []byte("<sequence name=\"y\"><drop/><log/></sequence>"), 0o644)
	findings, err := Paths([]string{dir})
	if err == nil || !strings.HasPrefix(err.Error(), bad+":") {
		t.Errorf("err = %v, want one naming %s", err, bad)
	}
	if len(findings) != 1 || findings[0].File != good || findings[0].Rule != RuleUnreachable {
		t.Errorf("findings = %v, want one unreachable in good.xml", findings)
	}
	if _, err := Paths([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("a missing path is no error")
	}
}

// TestGatewayProperties keeps the built-in list honest: every property
// name the gateway packages export as set by them is known to the rule.
func TestGatewayProperties(t *testing.T) {
	for _, name := range []string{
		route.PropAPI, route.PropAPIVersion, route.PropContext, route.PropFullPath, route.PropSubPath,
		route.PropMethod, route.PropTenantDomain, route.PrefixURIVar + "id", route.PrefixQueryParam + "q",
		handlers.PropConsumerKey, handlers.PropAppName, handlers.PropAppID, handlers.PropUserID,
		handlers.PropUTAPI, handlers.PropUTVersion, handlers.PropUTAPIVer, handlers.PropUTContext,
		handlers.PropUTResource, handlers.PropUTMethod, handlers.PropUTPublisher, handlers.PropAppNameOld,
		handlers.PropEndUser, handlers.PropErrorCode, handlers.PropErrorMessage, handlers.PropErrorDetail,
		handlers.PropHTTPResponseStatus, handlers.PropCustomHTTPSC, handlers.PropErrorMessageType,
		handlers.PropNextAccessTime, sequences.PropErrorCode, sequences.PropErrorMessage, sequences.PropErrorDetail,
	} {
		if !gatewaySets(name) {
			t.Errorf("gateway property %q is not in the built-in list", name)
		}
	}
}

func TestIsExtension(t *testing.T) {
	for name, want := range map[string]bool{
		"WSO2AM--Ext--In": true, "WSO2AM--Ext--Out": true, "admin--Pets:v1.0.0--In": true,
		"admin-AT-x.com--Pets--Out": true, "admin--Pets:v1.0.0--Fault": false, "fault": false,
		"Pets--In": false, "--x--In": false, "WSO2AM--Ext--Fault": false,
	} {
		if got := isExtension(name); got != want {
			t.Errorf("isExtension(%q) = %v, want %v", name, got, want)
		}
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it); got:\n%s", err, got)
	}
	if string(want) != got {
		t.Errorf("%s differs\n--- got\n%s--- want\n%s", path, got, want)
	}
}
