package console

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleScale loads the overview and the sequences of the largest
// tenant from a repository of 1,000 tenants and 10,000 sequence files
// (5,010 in the super tenant, 5 in each of the 998 others but acme.com)
// and 102 APIs. The
// lists are paginated, so the DOM stays small whatever the repository's
// size: that is asserted; the load times are reported, not asserted (the
// machine may be busy).
func TestConsoleScale(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the 10,000-sequence repository takes a while to write and deploy")
	}
	big := files()
	for i := 0; i < 5005; i++ {
		name := fmt.Sprintf("bulk%04d", i)
		big[name+".xml"] = seqXML(name, `  <log level="custom"/>`)
	}
	g := start(t, setup{files: big, tenants: 999, perTen: 5, apis: 100})
	ctx := browser(t)
	const wait = 60 * time.Second
	measure := func(page, url string) {
		t.Helper()
		run(t, ctx, "open "+page, chromedp.Navigate("about:blank"), chromedp.Navigate(url)) // a fresh document: its own timing and DOM
		waitJS(t, ctx, page+" drawn", `(document.body.dataset.rendered || "").startsWith("`+page+` ")`, wait)
		ms := strings.Fields(eval[string](t, ctx, `document.body.dataset.rendered`))[1]
		nodes := eval[int](t, ctx, `document.getElementsByTagName("*").length`)
		rows := eval[int](t, ctx, `document.querySelectorAll("#page-`+page+` tbody tr").length`)
		t.Logf("%s: drawn %s ms after navigation, %d DOM elements, %d table rows", page, ms, nodes, rows)
		if nodes > 3000 {
			t.Errorf("%s: %d DOM elements: the lists are not paginated", page, nodes)
		}
	}
	measure("overview", g.admin+"/#overview")
	if s := text(t, ctx, "#ov-tenants caption"); !strings.Contains(s, "(1000)") {
		t.Errorf("tenants caption %q, want 1000 tenants", s)
	}
	measure("sequences", g.admin+"/#sequences?tenant=carbon.super")
	if s := text(t, ctx, "#seq-table caption"); !strings.Contains(s, "(5010)") {
		t.Errorf("sequence table caption %q, want 5010 files", s)
	}
	// The filter narrows the 5,004 files in the browser.
	run(t, ctx, "filter", chromedp.SetValue(chromedp.CSS("#seq-filter"), "bulk4999"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("seq-filter").dispatchEvent(new Event("input"))`))
	if s := text(t, ctx, "#seq-table caption"); !strings.Contains(s, "(1)") {
		t.Errorf("after filtering: caption %q, want 1 file", s)
	}
	measure("bundles", g.admin+"/#bundles")
}
