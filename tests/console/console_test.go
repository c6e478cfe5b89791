package console

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// files is the super tenant's repository of the page tests: the Orders
// In sequence (sets X-Version: 1 and a secret-looking property), a global
// sequence, a refused file (error at line 4) and a near miss (an
// extension-like name no API runs).
func files() map[string]string {
	return map[string]string{
		"orders-in.xml":  seqXML(ordersIn, header("X-Version", "1"), `  <property name="api_secret" value="hunter2"/>`),
		"common.xml":     seqXML("common", `  <log level="custom"/>`),
		"broken.xml":     seqXML("broken", `  <log level="custom"/>`, `  <nosuchmediator/>`),
		"near.xml":       seqXML("admin--Orderz:v1.0.0--In", `  <log level="custom"/>`),
		"down-fault.xml": seqXML("admin--Down:v1.0.0--Fault", header("X-Fault", "handled")),
	}
}

// TestConsolePages loads every page and reads what the admin API knows
// on it: the overview (APIs, tenants, listeners, handler chain with the
// extension handler's position, config generation), the sequences with
// their states (a refused file with its file:line message), grouped
// global and per API, with the near-miss warning, and the bundles and
// library page.
func TestConsolePages(t *testing.T) {
	g := start(t, setup{files: files()})
	ctx := browser(t)
	const wait = 20 * time.Second

	run(t, ctx, "open the console", chromedp.Navigate(g.admin+"/"))
	waitJS(t, ctx, "overview APIs", `document.querySelector("#ov-apis table") && document.querySelector("#ov-chain li")`, wait)
	apis := text(t, ctx, "#ov-apis")
	for _, want := range []string{"admin--Orders:v1.0.0", "admin-AT-acme.com--Shop:v1.0.0", "/orders", "1.0.0", g.backend.srv.URL + "/orders", "subscription Gold", "none"} {
		if !strings.Contains(apis, want) {
			t.Errorf("overview APIs lack %q:\n%s", want, apis)
		}
	}
	chain := eval[[]string](t, ctx, `[...document.querySelectorAll("#ov-chain li")].map(e => e.textContent)`)
	if len(chain) == 0 || !strings.HasPrefix(chain[len(chain)-1], "extension") {
		t.Errorf("handler chain %q: want the extension handler last (extension_handler_position: bottom)", chain)
	}
	if pos := text(t, ctx, "#ov-chain-pos"); !strings.Contains(pos, "bottom") {
		t.Errorf("chain position: %q", pos)
	}
	if cfg := text(t, ctx, "#ov-config"); !strings.Contains(cfg, "generation1") {
		t.Errorf("config card: %q, want generation 1", cfg)
	}
	if ls := text(t, ctx, "#ov-listeners"); !strings.Contains(ls, strings.TrimPrefix(g.admin, "http://")) || !strings.Contains(ls, strings.TrimPrefix(g.traffic, "http://")) {
		t.Errorf("listeners card: %q", ls)
	}
	if ts := text(t, ctx, "#ov-tenants"); !strings.Contains(ts, "carbon.super") || !strings.Contains(ts, "acme.com") || !strings.Contains(ts, "1 refused") {
		t.Errorf("tenants table: %q", ts)
	}
	screenshot(t, ctx, "overview")

	// Keyboard: Tab reaches the skip link, then the page links in order;
	// Enter on one opens its page.
	run(t, ctx, "tab", chromedp.KeyEvent(kb.Tab))
	if f := eval[string](t, ctx, `document.activeElement.textContent`); f != "Skip to content" {
		t.Errorf("first Tab focuses %q, want the skip link", f)
	}
	run(t, ctx, "tab tab", chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Tab))
	if f := eval[string](t, ctx, `document.activeElement.textContent`); f != "Sequences" {
		t.Errorf("third Tab focuses %q, want the Sequences link", f)
	}
	run(t, ctx, "enter", chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, "sequences page by keyboard", `location.hash === "#sequences" && !document.getElementById("page-sequences").hidden`, wait)

	run(t, ctx, "sequences page", chromedp.Navigate(g.admin+"/#sequences?tenant=carbon.super"))
	waitJS(t, ctx, "sequence table", `document.querySelector("#seq-table table")`, wait)
	seqs := text(t, ctx, "#seq-table")
	for _, want := range []string{"Global sequences", "API admin--Orders:v1.0.0", ordersIn, "common", "broken.xml", "refused", "broken.xml:4", "nosuchmediator"} {
		if !strings.Contains(seqs, want) {
			t.Errorf("sequences page lacks %q:\n%s", want, seqs)
		}
	}
	if w := text(t, ctx, "#seq-warnings"); !strings.Contains(w, "admin--Orderz:v1.0.0--In") {
		t.Errorf("near-miss warnings: %q", w)
	}
	screenshot(t, ctx, "sequences")

	run(t, ctx, "bundles page", chromedp.Navigate(g.admin+"/#bundles"))
	waitJS(t, ctx, "bundles and library tables", `document.querySelector("#bu-table table") && document.querySelector("#lib-table table")`, wait)
	screenshot(t, ctx, "bundles")
	for _, p := range []string{"editor", "explain", "live"} {
		run(t, ctx, p+" page", chromedp.Navigate(g.admin+"/#"+p))
		waitJS(t, ctx, p+" page shown", `!document.getElementById("page-`+p+`").hidden`, wait)
	}
	if st := eval[string](t, ctx, `document.getElementById("status").textContent`); st != "" {
		t.Errorf("the console reported: %q", st)
	}
}

// TestConsoleEditor edits the Orders In sequence in the browser: a broken
// version is refused by the server's compiler with the error at its line
// (and nothing is written: traffic keeps the old version), the fixed one
// is saved and serves real traffic, the diff shows the change, delete asks
// first and then removes the file.
func TestConsoleEditor(t *testing.T) {
	g := start(t, setup{files: files()})
	ctx := browser(t)
	const wait = 20 * time.Second
	sawVersion := func() string {
		_, h, _ := get(t, g.traffic+"/orders/1.0.0/42")
		return h.Get("Echo-X-Version")
	}
	if v := sawVersion(); v != "1" {
		t.Fatalf("before the edit the backend saw X-Version %q, want 1", v)
	}
	run(t, ctx, "open the editor", chromedp.Navigate(g.admin+"/#editor?tenant=carbon.super&name="+ordersIn))
	waitJS(t, ctx, "sequence loaded", `document.getElementById("ed-text").value.includes("X-Version")`, wait)
	if hl := eval[int](t, ctx, `document.querySelectorAll("#ed-hl .x-tag").length`); hl < 4 {
		t.Errorf("highlighting: %d tag spans", hl)
	}

	setText := func(xml string) {
		b, _ := json.Marshal(xml)
		run(t, ctx, "set the editor's text", chromedp.Evaluate[chromedp.Void](`(() => { const ta = document.getElementById("ed-text"); ta.value = `+string(b)+
			`; ta.dispatchEvent(new Event("input")); })()`))
	}
	// Line 4 names an unknown mediator.
	broken := seqXML(ordersIn, header("X-Version", "2"), `  <nosuchmediator/>`)
	setText(broken)
	run(t, ctx, "save the broken version", chromedp.Click(chromedp.CSS("#ed-save")))
	waitJS(t, ctx, "compile error shown", `document.getElementById("ed-msg").textContent.includes("Line 4")`, wait)
	if msg := text(t, ctx, "#ed-msg"); !strings.Contains(msg, "nosuchmediator") {
		t.Errorf("error message: %q", msg)
	}
	if bad := eval[string](t, ctx, `(document.querySelector("#ed-gutter .bad") || {}).textContent || ""`); bad != "4" {
		t.Errorf("gutter marks line %q, want 4", bad)
	}
	screenshot(t, ctx, "editor-error")
	if data, _ := os.ReadFile(filepath.Join(g.superDir, "orders-in.xml")); strings.Contains(string(data), "nosuchmediator") {
		t.Fatal("the refused version was written")
	}
	if v := sawVersion(); v != "1" {
		t.Errorf("after the refused save the backend saw X-Version %q, want 1 still", v)
	}

	fixed := seqXML(ordersIn, header("X-Version", "2"))
	setText(fixed)
	run(t, ctx, "diff", chromedp.Click(chromedp.CSS("#ed-diff")))
	waitJS(t, ctx, "diff shown", `!document.getElementById("ed-diffout").hidden && document.querySelector("#ed-diffout .add")`, wait)
	if d := text(t, ctx, "#ed-diffout .add"); !strings.Contains(d, `value="2"`) {
		t.Errorf("diff's first added line: %q", d)
	}
	screenshot(t, ctx, "editor-diff")
	run(t, ctx, "save the fixed version", chromedp.Click(chromedp.CSS("#ed-save")))
	waitJS(t, ctx, "saved", `document.getElementById("ed-msg").textContent.includes("serving now")`, wait)
	if v := sawVersion(); v != "2" {
		t.Errorf("after the save the backend saw X-Version %q, want 2", v)
	}

	run(t, ctx, "ask to delete", chromedp.Click(chromedp.CSS("#ed-delete")))
	if _, err := os.Stat(filepath.Join(g.superDir, "orders-in.xml")); err != nil {
		t.Fatalf("the file went before the confirmation: %v", err)
	}
	run(t, ctx, "confirm", chromedp.Click(chromedp.CSS("#ed-delete-confirm")))
	waitJS(t, ctx, "deleted", `document.getElementById("ed-msg").textContent.includes("Deleted")`, wait)
	if _, err := os.Stat(filepath.Join(g.superDir, "orders-in.xml")); !os.IsNotExist(err) {
		t.Errorf("file still there after delete: %v", err)
	}
	if v := sawVersion(); v != "" {
		t.Errorf("after the delete the backend saw X-Version %q, want none", v)
	}
}

// TestConsoleExplainDryRun explains a request (the chain and sequences,
// as seqgate explain says) and dry-runs it: the timeline lists the
// mediators with file:line, outcome and duration, and the property
// changes with the secret redacted.
func TestConsoleExplainDryRun(t *testing.T) {
	g := start(t, setup{files: files()})
	ctx := browser(t)
	const wait = 20 * time.Second
	run(t, ctx, "explain page", chromedp.Navigate(g.admin+"/#explain"),
		chromedp.WaitVisible(chromedp.CSS("#ex-path")),
		chromedp.SetValue(chromedp.CSS("#ex-path"), "/orders/1.0.0/7"),
		chromedp.Click(chromedp.CSS("#ex-explain")))
	waitJS(t, ctx, "explained", `document.querySelector("#ex-chain li")`, wait)
	out := text(t, ctx, "#ex-out")
	for _, want := range []string{"admin--Orders:v1.0.0", "/{id}", ordersIn, "orders-in.xml", "runs"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
	run(t, ctx, "dry-run", chromedp.Click(chromedp.CSS("#ex-dry")))
	waitJS(t, ctx, "timeline", `document.querySelector("#ex-timeline li")`, wait)
	tl := text(t, ctx, "#ex-timeline")
	for _, want := range []string{"property", "orders-in.xml:3", "orders-in.xml:4", "continue", "X-Version", "api_secret"} {
		if !strings.Contains(tl, want) {
			t.Errorf("timeline lacks %q:\n%s", want, tl)
		}
	}
	if strings.Contains(tl, "hunter2") {
		t.Errorf("timeline shows the secret:\n%s", tl)
	}
	if st := text(t, ctx, "#ex-status"); st != "200" {
		t.Errorf("dry-run status %q", st)
	}
	screenshot(t, ctx, "explain")
}

// TestConsoleLive sends bounded traffic (at most 600 requests, 20 s) and
// waits for the live page's table and charts to move; requests to an API
// whose backend refuses connections show in the last faults with their
// ERROR_CODE and the API's fault sequence that handled them.
func TestConsoleLive(t *testing.T) {
	g := start(t, setup{files: files()})
	ctx := browser(t)
	run(t, ctx, "live page", chromedp.Navigate(g.admin+"/#live"))
	waitJS(t, ctx, "first sample", `document.getElementById("live-every").textContent === "3"`, 10*time.Second)
	before := eval[string](t, ctx, `document.getElementById("live-rps").toDataURL()`)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		deadline := time.Now().Add(20 * time.Second)
		for i := 0; i < 600 && time.Now().Before(deadline); i++ {
			select {
			case <-stop:
				return
			default:
			}
			get(t, g.traffic+"/orders/1.0.0/"+strconv.Itoa(i))
			if i%50 == 0 {
				get(t, g.traffic+"/down/1.0.0/"+strconv.Itoa(i)+"?apikey=secret")
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	waitJS(t, ctx, "req/s of Orders above 0",
		`[...document.querySelectorAll("#live-table tr")].some(r => r.textContent.includes("admin--Orders:v1.0.0") && Number(r.querySelector(".rps").textContent) > 0)`, 30*time.Second)
	if after := eval[string](t, ctx, `document.getElementById("live-rps").toDataURL()`); after == before {
		t.Error("the requests chart did not change under load")
	}
	waitJS(t, ctx, "three samples drawn", `Number(document.getElementById("live-lat").dataset.samples) >= 3`, 30*time.Second)
	if bar := eval[int](t, ctx, `document.querySelectorAll("#live-table .c2xx").length`); bar == 0 {
		t.Error("no 2xx status class bar")
	}
	waitJS(t, ctx, "a fault listed", `document.getElementById("live-faults").textContent.includes("admin--Down:v1.0.0--Fault")`, 30*time.Second)
	faults := text(t, ctx, "#live-faults")
	for _, want := range []string{"GET /down/1.0.0/", "admin--Down:v1.0.0", "50"} {
		if !strings.Contains(faults, want) {
			t.Errorf("last faults lack %q:\n%s", want, faults)
		}
	}
	if strings.Contains(faults, "apikey") {
		t.Errorf("last faults show the query:\n%s", faults)
	}
	screenshot(t, ctx, "live")
}

// TestConsoleToken: with listen.admin_token the page loads (it is the
// same public file in every binary) but shows no data until the token is
// typed in; the admin API itself answers 401 without it.
func TestConsoleToken(t *testing.T) {
	const token = "console-test-token-0123456789"
	g := start(t, setup{files: files(), token: token})
	st, _, body := get(t, g.admin+"/")
	if st != 200 || !strings.Contains(body, "console.js") {
		t.Fatalf("GET / without token: %d", st)
	}
	if strings.Contains(body, "Orders") {
		t.Fatal("the page itself carries data")
	}
	if st, _, _ := get(t, g.admin+"/admin/apis"); st != 401 {
		t.Fatalf("GET /admin/apis without token: %d, want 401", st)
	}
	if st, _, _ := get(t, g.admin+"/console/console.js"); st != 200 {
		t.Fatalf("GET /console/console.js without token: %d", st)
	}
	ctx := browser(t)
	run(t, ctx, "open the console", chromedp.Navigate(g.admin+"/"))
	waitJS(t, ctx, "token asked for", `document.getElementById("status").textContent.includes("needs its token")`, 20*time.Second)
	for _, sel := range []string{"#ov-apis", "#ov-tenants", "#ov-config", "#ov-listeners", "#ov-chain"} {
		if s := text(t, ctx, sel); s != "" {
			t.Errorf("%s shows %q without the token", sel, s)
		}
	}
	run(t, ctx, "a wrong token", chromedp.SetValue(chromedp.CSS("#token"), "wrong"), chromedp.Click(chromedp.CSS("#token-save")))
	waitJS(t, ctx, "still asked", `document.getElementById("status").textContent.includes("needs its token")`, 20*time.Second)
	if s := text(t, ctx, "#ov-apis"); s != "" {
		t.Errorf("APIs shown with a wrong token: %q", s)
	}
	run(t, ctx, "the token", chromedp.SetValue(chromedp.CSS("#token"), token), chromedp.Click(chromedp.CSS("#token-save")))
	waitJS(t, ctx, "data with the token", `document.getElementById("ov-apis").textContent.includes("admin--Orders:v1.0.0")`, 20*time.Second)
	// A write goes through the guard too: the console sends the token and
	// application/xml, and the guard lets a same-origin request pass.
	run(t, ctx, "editor", chromedp.Navigate(g.admin+"/#editor?tenant=carbon.super&name=common"))
	waitJS(t, ctx, "loaded", `document.getElementById("ed-text").value.includes("common")`, 20*time.Second)
	run(t, ctx, "compile", chromedp.Click(chromedp.CSS("#ed-validate")))
	waitJS(t, ctx, "compiled", `document.getElementById("ed-msg").textContent.includes("Compiles")`, 20*time.Second)
}
