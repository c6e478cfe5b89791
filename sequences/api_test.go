package sequences

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func compileAPIFile(t *testing.T, path string) (*API, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return CompileAPI(path, data, nil)
}

// TestCompileAPI reads an API-M 3.x-style file: {version} in the context,
// a uri-template with a query part, a url-mapping by extension with named
// sequences, and the handler list in file order with its properties.
func TestCompileAPI(t *testing.T) {
	a, err := compileAPIFile(t, filepath.Join("testdata", "api", "orders.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := a.FullContext(); got != "/orders/2.0.0" {
		t.Errorf("FullContext = %q", got)
	}
	if got := a.SynapseName(); got != "admin--Orders:v2.0.0" {
		t.Errorf("SynapseName = %q", got)
	}
	if len(a.Resources) != 2 {
		t.Fatalf("%d resources", len(a.Resources))
	}
	r0, r1 := a.Resources[0], a.Resources[1]
	if r0.Template != "/items/{id}?expand={expand}" || r0.URLMapping || r0.In == nil || r0.Out == nil || r0.Line != 3 {
		t.Errorf("resource 0 = %+v", r0)
	}
	if r1.Template != "*.json" || !r1.URLMapping || r1.InKey != "ordersIn" || r1.FaultKey != "fault" || len(r1.Methods) != 2 {
		t.Errorf("resource 1 = %+v", r1)
	}
	roles := []HandlerRole{}
	for _, h := range a.Handlers {
		roles = append(roles, h.Role)
	}
	if want := []HandlerRole{RoleExtension, RoleCORS, RoleAuth}; strings.Join(rolesStr(roles), ",") != strings.Join(rolesStr(want), ",") {
		t.Errorf("roles = %v, want %v", roles, want)
	}
	if v, _ := a.Handlers[1].Prop("allowedOrigins"); v != "https://app.example.com" {
		t.Errorf("allowedOrigins = %q", v)
	}
}

func rolesStr(rs []HandlerRole) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// TestCompileAPIErrors: every problem of a bad file at once, each with its
// file:line, an unknown handler class named.
func TestCompileAPIErrors(t *testing.T) {
	_, err := compileAPIFile(t, filepath.Join("testdata", "api", "bad.xml"))
	if err == nil {
		t.Fatal("bad.xml compiled")
	}
	msg := err.Error()
	for _, want := range []string{"bad.xml:2:", `"FETCH"`, "bad.xml:3:", "{+rest} is allowed only as the last segment",
		"bad.xml:7:", `handler class "com.example.MyHandler" is not supported`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}

func TestCheckAPITemplate(t *testing.T) {
	for _, c := range []struct {
		t   string
		url bool
		ok  bool
	}{
		{"/*", true, true}, {"/menu", true, true}, {"/menu/*", true, true}, {"*.jsp", true, true},
		{"menu", true, false}, {"/a/{id}", true, false}, {"/a*/b", true, false}, {"*.", true, false},
		{"/a/{id}", false, true}, {"/a/{+path}", false, true}, {"/a?q={q}&r={r}", false, true},
		{"/a/{id}/{id}", false, false}, {"/a?q=x", false, false}, {"/{+p}/x", false, false}, {"a", false, false},
	} {
		if err := CheckAPITemplate(c.t, c.url); (err == nil) != c.ok {
			t.Errorf("CheckAPITemplate(%q, url-mapping=%v) = %v, want ok=%v", c.t, c.url, err, c.ok)
		}
	}
}

// TestCompileAPIMGatewayFiles compiles the 26 real API-M 2.x files of
// ../shared/conformance/apim-gateway (SOURCES.md): all but the four junk
// test APIs whose endpoint URL has no host deploy.
func TestCompileAPIMGatewayFiles(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "conformance", "apim-gateway", "*", "repository",
		"deployment", "server", "synapse-configs", "default", "api", "*.xml"))
	if len(files) != 26 {
		t.Skipf("want the 26 api files of ../shared/conformance/apim-gateway, found %d", len(files))
	}
	refused := map[string]bool{
		"admin--Long-name-so-we-can-test-api-cards-long-names-is-bad-though_vv1.xml": true,
		"admin--Test_new_vv1.xml": true, "admin--test11_vv1.xml": true, "admin--test_rish_vv1.xml": true,
	}
	for _, f := range files {
		a, err := compileAPIFile(t, f)
		base := filepath.Base(f)
		switch {
		case refused[base] && err == nil:
			t.Errorf("%s deployed; its endpoint URL has no host", base)
		case refused[base] && !strings.Contains(err.Error(), "uri-template"):
			t.Errorf("%s refused for another reason: %v", base, err)
		case !refused[base] && err != nil:
			t.Errorf("%s: %v", base, err)
		case err == nil && len(a.Resources) == 0:
			t.Errorf("%s: no resources", base)
		}
	}
}

// TestCompileAPITooLarge: an api file is bounded like a sequence file
// (size and nesting), refused with the reason before it is parsed.
func TestCompileAPITooLarge(t *testing.T) {
	big := `<api name="a" context="/a"><resource url-mapping="/*"><inSequence>` +
		strings.Repeat("<log/>", MaxFileSize/6+1) + `</inSequence></resource></api>`
	if _, err := CompileAPI("big.xml", []byte(big), nil); err == nil || !strings.Contains(err.Error(), "larger than the") {
		t.Errorf("oversized api file: %v", err)
	}
	deep := `<api name="a" context="/a"><resource url-mapping="/*"><inSequence>` +
		strings.Repeat("<filter>", MaxDepth+1) + strings.Repeat("</filter>", MaxDepth+1) + `</inSequence></resource></api>`
	if _, err := CompileAPI("deep.xml", []byte(deep), nil); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("too deep api file: %v", err)
	}
}

// TestHandlerClassesTable: the table has each class once, with a role and
// a reason, so the README's copy and the code cannot disagree silently.
func TestHandlerClassesTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range HandlerClasses {
		if seen[c.Class] || c.Role == "" || c.Why == "" {
			t.Errorf("row %+v: duplicate or incomplete", c)
		}
		seen[c.Class] = true
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range HandlerClasses {
		short := strings.TrimPrefix(c.Class, apimPkg)
		if !strings.Contains(string(readme), "`"+short+"`") {
			t.Errorf("README's handler table lacks %s", short)
		}
	}
}

// TestCompileAPIBinding: transports is read (https only is honoured by the
// gateway); hostname= and port= are refused, since the router would answer
// such an api on every host and listener.
func TestCompileAPIBinding(t *testing.T) {
	a, err := CompileAPI("t.xml", []byte(`<api name="a" context="/a" transports="https"><resource/></api>`), nil)
	if err != nil || !a.HTTPSOnly() {
		t.Fatalf("transports=https: %v, https only %v", err, a != nil && a.HTTPSOnly())
	}
	a, err = CompileAPI("t.xml", []byte(`<api name="a" context="/a" transports="http,https"><resource/></api>`), nil)
	if err != nil || a.HTTPSOnly() {
		t.Fatalf("transports=http,https: %v", err)
	}
	for _, attr := range []string{`hostname="api.example.com"`, `port="8280"`, `transports="jms"`} {
		if _, err := CompileAPI("t.xml", []byte(`<api name="a" context="/a" `+attr+`><resource/></api>`), nil); err == nil || !strings.Contains(err.Error(), "t.xml:1:") {
			t.Errorf("%s: %v, want refused with file:line", attr, err)
		}
	}
}
