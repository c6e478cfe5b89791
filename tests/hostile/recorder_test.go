package hostile

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// recorder is a backend that keeps what each request carried: the request
// target exactly as it arrived and the headers. It answers 200.
type recorder struct {
	url  string
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	target string // the raw request target (path and query as sent)
	header http.Header
}

func startRecorder(t *testing.T) *recorder {
	t.Helper()
	rc := &recorder{}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, recorded{target: r.RequestURI, header: r.Header.Clone()})
		rc.mu.Unlock()
		_, _ = w.Write([]byte("recorded"))
	}))
	t.Cleanup(s.Close)
	rc.url = s.URL
	return rc
}

// since returns the requests received after the first n.
func (rc *recorder) since(n int) []recorded {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]recorded(nil), rc.reqs[n:]...)
}

func (rc *recorder) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.reqs)
}

// lenientPath is the path a lenient backend would serve for a raw request
// target: percent-decoded, slashes merged (nginx's merge_slashes), ';'
// parameters dropped from each segment (Tomcat, Spring). Case is kept:
// nginx, like Synapse, matches case-sensitively.
func lenientPath(target string) string {
	p, _, _ := strings.Cut(target, "?")
	if d, err := url.PathUnescape(p); err == nil {
		p = d
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i], _, _ = strings.Cut(s, ";")
	}
	p = strings.Join(segs, "/")
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	return p
}
