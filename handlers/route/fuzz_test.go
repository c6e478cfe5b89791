package route

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzMatch: any method and path routes to a status without panicking; a
// path with a dot segment (also percent-encoded) is never routed, nor one
// with an empty segment or a ';' parameter after its API prefix; a match
// stays inside the tenant the path names and inside its API's prefix; the
// postfix is the rest of the path with only unreserved escapes decoded, and
// a path that reaches a resource with a literal first segment starts with
// that literal (so //admin, /admin;x, /%41dmin never land on /* instead).
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"GET", "/orders/v1/42"}, {"PUT", "/orders/v1/7/items/9?expand=1"}, {"GET", "/t/abc.com/stock/1.0.0/x"},
		{"GET", "/orders/v1/../v1/42"}, {"GET", "/orders/v1/%2e%2E/x"}, {"GET", "/t/..%2F..%2Fetc/x"},
		{"GET", "/t/ABC.com/stock/1.0.0/x"}, {"GET", "/t//stock/1.0.0"}, {"DELETE", "/orders/v1/admin/purge"},
		{"GET", "/orders/v1/files/a%2Fb"}, {"GET", "//orders/v1/1"}, {"GET", "/orders/v1/a%00"}, {"", ""}, {"GET", "?"},
		{"GET", "/t/abc.com"}, {"GET", "/t/"}, {"GET", "/orders/v1/deep/2.0/x"}, {"GET", "/orders/v1/%"},
		{"DELETE", "/orders/v1//admin/purge"}, {"DELETE", "/orders/v1/admin;x=1/purge"}, {"DELETE", "/orders/v1/admin%3bx/purge"},
		{"DELETE", "/orders/v1/ADMIN/purge"}, {"DELETE", "/orders/v1/%41dmin/purge"}, {"DELETE", "/orders/v1/%61dmin/purge"},
		{"GET", "/orders/v1/files%2F..%2Fadmin"}, {"GET", "/orders/v1/%7e%2d%5F"}, {"GET", "/orders/v1/a%3"}, {"GET", "/orders/v1/a/"},
	} {
		f.Add(s[0], s[1])
	}
	r := newTestRouter(f)
	f.Fuzz(func(t *testing.T, method, path string) {
		var m Match
		st := r.Match([]byte(method), []byte(path), &m)
		if st != 0 && st != StatusBadPath && st != StatusNotFound && st != StatusMethodNotAllowed {
			t.Fatalf("Match(%q, %q) = %d, not a documented status", method, path, st)
		}
		if st != 0 {
			return
		}
		raw, _, _ := bytes.Cut([]byte(path), []byte("?"))
		if hasDotSegment(raw) {
			t.Fatalf("routed %q, which has a dot segment", path)
		}
		if m.API == nil || m.Resource == nil || m.Tenant == nil {
			t.Fatalf("match without API, resource or tenant: %+v", m)
		}
		if m.API.Tenant != m.Tenant {
			t.Fatalf("%q routed to tenant %s but API of tenant %s", path, m.Tenant.Domain, m.API.Tenant.Domain)
		}
		if !bytes.HasPrefix(raw, []byte(m.API.Prefix)) {
			t.Fatalf("%q routed to %s, whose prefix it does not start with", path, m.API.Prefix)
		}
		post := raw[len(m.API.Prefix):]
		if bytes.Contains(post, []byte("//")) || bytes.IndexByte(post, ';') >= 0 || bytes.Contains(bytes.ToLower(post), []byte("%3b")) {
			t.Fatalf("routed %q, which has an empty segment or a ';' parameter after %s", path, m.API.Prefix)
		}
		if want := normalizePostfix(post); m.Postfix != want && !(len(post) == 0 && m.Postfix == "") {
			t.Fatalf("%q: postfix %q, want the rest of the path %q", path, m.Postfix, want)
		}
		if segs := m.Resource.segs; len(segs) > 0 && !segs[0].isVar {
			first, _, _ := strings.Cut(strings.TrimPrefix(m.Postfix, "/"), "/")
			if unescape([]byte(first)) != segs[0].lit {
				t.Fatalf("%q matched %s, but its forwarded path %q does not start with %q", path, m.Resource.Template, m.Postfix, segs[0].lit)
			}
		}
	})
}
