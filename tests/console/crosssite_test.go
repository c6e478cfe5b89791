package console

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleCrossSite: a page of another origin open in the same browser
// (here another port of 127.0.0.1: same-site, a different origin) cannot
// use the admin API the console uses. A browser lets such a page send only
// a "simple" request without asking (POST, text/plain, no-cors): a dry-run
// with the real backend, which would reach it. The guard refuses it, so
// the backend sees nothing (without the guard it does: checked against a
// binary built without it).
func TestConsoleCrossSite(t *testing.T) {
	g := start(t, setup{files: files()})
	ctx := browser(t)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<!doctype html><title>evil</title><script>
fetch("` + g.admin + `/admin/dry-run", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"},
  body: JSON.stringify({method: "GET", path: "/orders/1.0.0/1", backend: "real"})})
  .finally(() => { document.title = "done"; });
</script>`))
	}))
	defer evil.Close()
	before := g.backend.hits.Load()
	run(t, ctx, "open the other site's page", chromedp.Navigate(evil.URL))
	waitJS(t, ctx, "its requests sent", `document.title === "done"`, 20*time.Second)
	if n := g.backend.hits.Load() - before; n != 0 {
		t.Fatalf("the other site's dry-run reached the backend (%d calls)", n)
	}
	// The console itself, same origin, still works.
	run(t, ctx, "console", chromedp.Navigate(g.admin+"/#editor?tenant=carbon.super&name=common"))
	waitJS(t, ctx, "loaded", `document.getElementById("ed-text").value.includes("common")`, 20*time.Second)
}
