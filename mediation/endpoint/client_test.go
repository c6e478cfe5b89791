package endpoint

import "testing"

// TestRequestURI: REST_URL_POSTFIX joins the address without a doubled
// slash; with no postfix the address is used as written.
func TestRequestURI(t *testing.T) {
	cases := []struct {
		name, url, postfix string
		withPostfix        bool
		want               string
	}{
		{"empty postfix keeps trailing slash", "http://h/posts/", "", true, "/posts/"},
		{"empty postfix, no slash", "http://h/posts", "", true, "/posts"},
		{"postfix joins trailing slash", "http://h/svc/", "/x?y=1", true, "/svc/x?y=1"},
		{"no path gets root", "http://h", "", true, "/"},
		{"query after postfix", "http://h/svc?k=v", "/x", true, "/svc/x?k=v"},
		{"postfix not applied", "http://h/a/", "/x", false, "/a/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg, err := parseTarget(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(tg.requestURI(nil, tc.postfix, tc.withPostfix)); got != tc.want {
				t.Errorf("requestURI = %q, want %q", got, tc.want)
			}
		})
	}
}
