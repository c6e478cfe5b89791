package console

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConsoleFirefox runs the console in Firefox (Gecko, driven over
// WebDriver BiDi: bidi_test.go), the second browser the console must work
// in; the Chromium tests above cover every page in depth, this one the
// core of each in the other engine: the overview renders the APIs and the
// handler chain, the sequences page shows a refused file with its
// file:line, the editor marks a broken sequence's error at its line and
// writes nothing, the fixed one serves traffic, and behind admin_token the
// page shows no data without the token. The page must log no JavaScript
// error along the way.
func TestConsoleFirefox(t *testing.T) {
	b := firefox(t) // first: skips before starting anything when there is no Firefox
	g := start(t, setup{files: files()})
	const token = "console-test-token-0123456789"
	gt := start(t, setup{files: files(), token: token})
	const wait = 20 * time.Second

	b.navigate(t, g.admin+"/")
	ffWait(t, b, "overview APIs", `document.querySelector("#ov-apis table") && document.querySelector("#ov-chain li")`, wait)
	apis := ffText(t, b, "#ov-apis")
	for _, want := range []string{"admin--Orders:v1.0.0", "admin-AT-acme.com--Shop:v1.0.0", "/orders", g.backend.srv.URL + "/orders", "subscription Gold"} {
		if !strings.Contains(apis, want) {
			t.Errorf("overview APIs lack %q:\n%s", want, apis)
		}
	}
	chain := ffEval[[]string](t, b, `[...document.querySelectorAll("#ov-chain li")].map(e => e.textContent)`)
	if len(chain) == 0 || !strings.HasPrefix(chain[len(chain)-1], "extension") {
		t.Errorf("handler chain %q: want the extension handler last (extension_handler_position: bottom)", chain)
	}

	b.navigate(t, g.admin+"/#sequences?tenant=carbon.super")
	ffWait(t, b, "sequence table", `document.querySelector("#seq-table table")`, wait)
	seqs := ffText(t, b, "#seq-table")
	for _, want := range []string{ordersIn, "common", "refused", "broken.xml:4", "nosuchmediator"} {
		if !strings.Contains(seqs, want) {
			t.Errorf("sequences page lacks %q:\n%s", want, seqs)
		}
	}

	b.navigate(t, g.admin+"/#editor?tenant=carbon.super&name="+ordersIn)
	ffWait(t, b, "sequence loaded", `document.getElementById("ed-text").value.includes("X-Version")`, wait)
	ffFill(t, b, "#ed-text", seqXML(ordersIn, header("X-Version", "2"), `  <nosuchmediator/>`)) // line 4
	ffClick(t, b, "#ed-save")
	ffWait(t, b, "compile error shown", `document.getElementById("ed-msg").textContent.includes("Line 4")`, wait)
	if msg := ffText(t, b, "#ed-msg"); !strings.Contains(msg, "nosuchmediator") {
		t.Errorf("error message: %q", msg)
	}
	if bad := ffText(t, b, "#ed-gutter .bad"); bad != "4" {
		t.Errorf("gutter marks line %q, want 4", bad)
	}
	if data, _ := os.ReadFile(filepath.Join(g.superDir, "orders-in.xml")); strings.Contains(string(data), "nosuchmediator") {
		t.Fatal("the refused version was written")
	}
	ffFill(t, b, "#ed-text", seqXML(ordersIn, header("X-Version", "2")))
	ffClick(t, b, "#ed-save")
	ffWait(t, b, "saved", `document.getElementById("ed-msg").textContent.includes("serving now")`, wait)
	if _, h, _ := get(t, g.traffic+"/orders/1.0.0/42"); h.Get("Echo-X-Version") != "2" {
		t.Errorf("after the save the backend saw X-Version %q, want 2", h.Get("Echo-X-Version"))
	}
	if st := ffText(t, b, "#status"); st != "" {
		t.Errorf("the console reported: %q", st)
	}

	// Behind the token: another origin (port), so no token in sessionStorage.
	b.navigate(t, gt.admin+"/")
	ffWait(t, b, "token asked for", `document.getElementById("status").textContent.includes("needs its token")`, wait)
	for _, sel := range []string{"#ov-apis", "#ov-tenants", "#ov-config", "#ov-listeners", "#ov-chain"} {
		if s := ffText(t, b, sel); s != "" {
			t.Errorf("%s shows %q without the token", sel, s)
		}
	}
	ffFill(t, b, "#token", token)
	ffClick(t, b, "#token-save")
	ffWait(t, b, "data with the token", `document.getElementById("ov-apis").textContent.includes("admin--Orders:v1.0.0")`, wait)

	if errs := b.pageErrors(); len(errs) != 0 {
		t.Errorf("the page logged JavaScript errors in Firefox:\n%s", strings.Join(errs, "\n"))
	}
}
