package hostile

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const adminToken = "hostile-test-token-0123456789"

// TestAdminToken: with listen.admin_token set, every admin path but the
// probes answers 401 without the token or with a wrong one.
func TestAdminToken(t *testing.T) {
	g := startGateway(t, ", admin_token: "+adminToken)
	base := "http://" + g.admin
	cases := []struct {
		name, path, token string
		want              int
	}{
		{"healthz open", "/healthz", "", 200},
		{"readyz open", "/readyz", "", 200},
		{"sequences without token", "/admin/sequences", "", 401},
		{"metrics without token", "/metrics", "", 401},
		{"pprof without token", "/debug/pprof/", "", 401},
		{"wrong token", "/admin/sequences", adminToken + "x", 401},
		{"token prefix", "/admin/sequences", adminToken[:10], 401},
		{"right token", "/admin/sequences", adminToken, 200},
		{"metrics with token", "/metrics", adminToken, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if st := get(t, base+c.path, c.token); st != c.want {
				t.Errorf("status %d, want %d", st, c.want)
			}
		})
	}
	g.bounded()
}

// TestAdminExposedWithoutToken: an admin address other than loopback and
// no token is a config error (exit 2, nothing listens). On this machine
// only loopback exists, so the bind itself can't be tested from elsewhere:
// the test checks the refusal instead.
func TestAdminExposedWithoutToken(t *testing.T) {
	cases := []struct {
		name, admin, extra string
		wantErr            string // "" means it must be accepted
	}{
		{"all interfaces", ":0", "", "listen.admin_token"},
		{"ipv4 any", "0.0.0.0:0", "", "listen.admin_token"},
		{"ipv6 any", "[::]:0", "", "listen.admin_token"},
		{"short token", "0.0.0.0:0", ", admin_token: short", "shorter than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "config.yaml")
			writeFile(t, cfg, "listen: {http: \"127.0.0.1:0\", admin: \""+c.admin+"\""+c.extra+"}\nrepository: .\n")
			out, err := exec.Command(binPath, "run", "-config", cfg).CombinedOutput()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != 2 {
				t.Fatalf("exit %v, want 2; output:\n%s", err, out)
			}
			if !strings.Contains(string(out), c.wantErr) {
				t.Errorf("output does not name %q:\n%s", c.wantErr, out)
			}
		})
	}
}

// adminCall sends one admin request; host, when set, replaces the Host
// header (what a DNS-rebinding page's browser sends); hdr are name, value
// pairs.
func adminCall(t *testing.T, g *gateway, method, path, host, body string, hdr ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+g.admin+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestAdminCrossSite: without a token, what a web page open in the
// operator's browser can make it send to the loopback admin listener is
// refused (a simple-request POST, a foreign Origin or Sec-Fetch-Site, a
// DNS-rebinding Host), and what curl and the tools send still works.
func TestAdminCrossSite(t *testing.T) {
	g := startGateway(t, "")
	_, port, _ := net.SplitHostPort(g.admin)
	evil := "evil.example:" + port // a rebinding name resolving to 127.0.0.1
	seqURL := "/admin/tenants/carbon.super/sequences/x_site"
	seq := `<sequence xmlns="http://ws.apache.org/ns/synapse" name="x_site"><log/></sequence>`
	realDryRun := `{"method":"GET","path":"/echo/v1/from-dry-run","backend":"real"}`
	cases := []struct {
		name, method, path, host, body string
		hdr                            []string
		want                           int
	}{
		// attacks
		{"text/plain bundle upload", "POST", "/admin/bundles", "", "PK\x03\x04", []string{"Content-Type", "text/plain"}, 415},
		{"form reload", "POST", "/admin/reload", "", "a=b", []string{"Content-Type", "application/x-www-form-urlencoded"}, 415},
		{"multipart sequence upload", "PUT", seqURL, "", seq, []string{"Content-Type", "multipart/form-data; boundary=x"}, 415},
		{"text/plain real dry-run from a page", "POST", "/admin/dry-run", "", realDryRun,
			[]string{"Content-Type", "text/plain;charset=UTF-8", "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}, 403},
		{"foreign Origin", "POST", "/admin/reload", "", "", []string{"Origin", "https://evil.example"}, 403},
		{"Origin null", "POST", "/admin/config/reload", "", "", []string{"Origin", "null"}, 403},
		{"Origin localhost other port", "POST", "/admin/dry-run", "", realDryRun,
			[]string{"Content-Type", "application/json", "Origin", "http://localhost:3000"}, 403},
		{"Sec-Fetch-Site cross-site", "DELETE", seqURL, "", "", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"Sec-Fetch-Site same-site", "POST", "/admin/reload", "", "", []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"rebinding read", "GET", "/admin/sequences", evil, "", nil, 403},
		{"rebinding metrics", "GET", "/metrics", evil, "", nil, 403},
		{"rebinding same-origin POST", "POST", "/admin/dry-run", evil, realDryRun,
			[]string{"Content-Type", "application/json", "Origin", "http://" + evil, "Sec-Fetch-Site", "same-origin"}, 403},
		{"rebinding bundle upload", "POST", "/admin/bundles", evil, "PK", []string{"Content-Type", "application/zip"}, 403},
		// what curl, scripts, probes and a same-origin page send
		{"probe with any Host", "GET", "/healthz", evil, "", nil, 200},
		{"readyz with any Host", "GET", "/readyz", evil, "", nil, 200},
		{"GET 127.0.0.1", "GET", "/admin/sequences", "", "", nil, 200},
		{"GET localhost", "GET", "/admin/sequences", "localhost:" + port, "", nil, 200},
		{"GET [::1]", "GET", "/admin/tenants", "[::1]:" + port, "", nil, 200},
		{"GET localhost, forwarded port", "GET", "/admin/config", "localhost:19765", "", nil, 200},
		{"curl -X POST", "POST", "/admin/reload", "", "", nil, 200},
		{"same-origin page", "POST", "/admin/reload", "", "",
			[]string{"Origin", "http://" + g.admin, "Sec-Fetch-Site", "same-origin"}, 200},
		{"loopback origin, same port", "POST", "/admin/config/reload", "", "", []string{"Origin", "http://localhost:" + port}, 200},
		{"typed address bar", "POST", "/admin/reload", "", "", []string{"Sec-Fetch-Site", "none"}, 200},
		{"json dry-run", "POST", "/admin/dry-run", "", `{"method":"GET","path":"/echo/v1/x"}`, []string{"Content-Type", "application/json"}, 200},
		{"xml upload", "PUT", seqURL, "", seq, []string{"Content-Type", "application/xml"}, 201},
		{"upload without Content-Type", "PUT", seqURL, "", seq, nil, 200},
		{"zip upload reaches the handler", "POST", "/admin/bundles", "", "not a zip", []string{"Content-Type", "application/zip"}, 400},
		{"delete", "DELETE", seqURL, "", "", nil, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, body := adminCall(t, g, c.method, c.path, c.host, c.body, c.hdr...)
			if st != c.want {
				t.Errorf("status %d, want %d: %.300s", st, c.want, strings.TrimSpace(body))
			}
			if st == 403 || st == 415 {
				var e struct{ Error string }
				if json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
					t.Errorf("refusal is not a JSON error: %s", body)
				}
			}
		})
	}
	if n := g.hits.Load(); n != 0 {
		t.Errorf("the backend got %d requests: a refused dry-run went out", n)
	}
	if st, body := adminCall(t, g, "GET", "/admin/bundles", "", ""); st != 200 || !strings.Contains(body, `"bundles": []`) {
		t.Errorf("bundles after the attacks: %d %s", st, body)
	}
	g.bounded()
}

// TestAdminCrossSiteWithToken: with a token the listener may be reached
// under any name (the token guards it), but a page's cross-site request is
// still refused before the token is even looked at.
func TestAdminCrossSiteWithToken(t *testing.T) {
	g := startGateway(t, ", admin_token: "+adminToken)
	auth := []string{"Authorization", "Bearer " + adminToken}
	if st, body := adminCall(t, g, "GET", "/admin/sequences", "admin.internal.example", "", auth...); st != 200 {
		t.Errorf("GET under another name with the token: %d %s", st, body)
	}
	if st, _ := adminCall(t, g, "GET", "/admin/sequences", "admin.internal.example", ""); st != 401 {
		t.Errorf("GET under another name without the token: %d, want 401", st)
	}
	if st, body := adminCall(t, g, "POST", "/admin/reload", "", "", append(auth, "Origin", "https://evil.example")...); st != 403 {
		t.Errorf("cross-origin POST with the token: %d %s, want 403", st, body)
	}
	if st, body := adminCall(t, g, "POST", "/admin/reload", "", "x", append(auth, "Content-Type", "text/plain")...); st != 415 {
		t.Errorf("text/plain POST with the token: %d %s, want 415", st, body)
	}
	if st, body := adminCall(t, g, "POST", "/admin/reload", "admin.internal.example", "",
		append(auth, "Origin", "https://admin.internal.example")...); st != 200 {
		t.Errorf("same-origin POST with the token: %d %s", st, body)
	}
}

// seqFiles is GET /admin/tenants/carbon.super/sequences: file name →
// sequences it serves, and each file's state.
func seqFiles(t *testing.T, g *gateway) (map[string][]string, map[string]string) {
	t.Helper()
	st, body := adminCall(t, g, "GET", "/admin/tenants/carbon.super/sequences", "", "")
	var out struct {
		Files []struct {
			File, State string
			Sequences   []string
		}
	}
	if st != 200 || json.Unmarshal([]byte(body), &out) != nil {
		t.Fatalf("list: %d %s", st, body)
	}
	seqs, states := map[string][]string{}, map[string]string{}
	for _, f := range out.Files {
		seqs[f.File], states[f.File] = f.Sequences, f.State
	}
	return seqs, states
}

// TestAdminNameIsTheContract: foo.xml defines sequence bar. PUT and DELETE
// of sequence foo must not touch it (they replaced and deleted bar); PUT
// and DELETE of bar act on foo.xml.
func TestAdminNameIsTheContract(t *testing.T) {
	bar := func(v string) string {
		return `<sequence xmlns="http://ws.apache.org/ns/synapse" name="bar"><property name="v" value="` + v + `"/></sequence>`
	}
	g := startSpec(t, spec{seqs: map[string]string{"foo.xml": bar("1")}})
	xml := []string{"Content-Type", "application/xml"}
	base := "/admin/tenants/carbon.super/sequences/"
	barServed := func(when string) {
		t.Helper()
		seqs, states := seqFiles(t, g)
		if !slices.Equal(seqs["foo.xml"], []string{"bar"}) || states["foo.xml"] != "active" {
			t.Errorf("%s: foo.xml serves %v (%s), want [bar] active; files %v", when, seqs["foo.xml"], states["foo.xml"], seqs)
		}
		if len(seqs) != 2 {
			t.Errorf("%s: files %v, want payload_in.xml and foo.xml only", when, seqs)
		}
	}
	foo := `<sequence xmlns="http://ws.apache.org/ns/synapse" name="foo"><log/></sequence>`
	if st, body := adminCall(t, g, "PUT", base+"foo", "", foo, xml...); st != 409 || !strings.Contains(body, `defines sequence \"bar\"`) {
		t.Errorf("PUT foo over foo.xml (which defines bar): %d %s, want 409 naming bar", st, body)
	}
	barServed("after PUT foo")
	if st, body := adminCall(t, g, "DELETE", base+"foo", "", ""); st != 404 {
		t.Errorf("DELETE foo (foo.xml defines bar): %d %s, want 404", st, body)
	}
	barServed("after DELETE foo")
	if st, body := adminCall(t, g, "PUT", base+"bar", "", bar("2"), xml...); st != 200 || !strings.Contains(body, `"replaced"`) || !strings.Contains(body, `foo.xml"`) {
		t.Errorf("PUT bar: %d %s, want 200 replaced in foo.xml", st, body)
	}
	barServed("after PUT bar")
	if st, body := adminCall(t, g, "PUT", base+"bar", "", foo, xml...); st != 422 || !strings.Contains(body, "does not match") {
		t.Errorf("PUT bar with a body named foo: %d %s, want 422", st, body)
	}
	if st, body := adminCall(t, g, "DELETE", base+"bar", "", ""); st != 200 || !strings.Contains(body, `foo.xml"`) {
		t.Errorf("DELETE bar: %d %s, want 200 deleting foo.xml", st, body)
	}
	if seqs, _ := seqFiles(t, g); len(seqs) != 1 {
		t.Errorf("after DELETE bar: files %v, want payload_in.xml only", seqs)
	}
	g.alive()
}

// TestAdminListsEveryError: a file with several bad mediators is refused
// with every one of them, each with its line, in the admin PUT's 422 and
// in the refused file's status, not only the first.
func TestAdminListsEveryError(t *testing.T) {
	bad := func(name string) string {
		return `<sequence xmlns="http://ws.apache.org/ns/synapse" name="` + name + `">
  <property name="a" expression="count("/>
  <propery name="b" value="1"/>
  <property name="c" expression="json-eval("/>
</sequence>`
	}
	g := startSpec(t, spec{seqs: map[string]string{"broken.xml": bad("broken")}})
	want := []string{
		`.xml:2: <property>: expression=\"count(\"`,
		`.xml:3: <propery>: unknown mediator <propery>; did you mean <property>?`,
		`.xml:4: <property>: expression=\"json-eval(\"`,
	}
	st, body := adminCall(t, g, "PUT", "/admin/tenants/carbon.super/sequences/bar", "", bad("bar"), "Content-Type", "application/xml")
	if st != 422 {
		t.Errorf("PUT: %d %s, want 422", st, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("PUT 422 body lacks %s:\n%s", w, body)
		}
	}
	_, status := adminCall(t, g, "GET", "/admin/tenants/carbon.super/sequences", "", "")
	for _, w := range want {
		if !strings.Contains(status, "broken"+w) {
			t.Errorf("status of broken.xml lacks %s:\n%s", w, status)
		}
	}
	g.alive()
}
