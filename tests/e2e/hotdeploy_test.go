package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hotLatency is how fast a change must be served (the contract says ~1 s);
// waits themselves run longer, so "slow" and "never" are told apart.
const hotLatency = 1500 * time.Millisecond

// hotSeq is the global In sequence setting X-Hot to v.
func hotSeq(v string) string { return seq("WSO2AM--Ext--In", setHeader("X-Hot", v)) }

// TestHotDeployUnderTraffic changes the super tenant's global In sequence
// step by step while requests flow, and checks that each change is served
// promptly, that a bad file never disturbs serving, and that no request
// fails or sees a value other than the one before or after a change.
func TestHotDeployUnderTraffic(t *testing.T) {
	t.Parallel()
	g := startGateway(t, gwConfig{})
	dir := g.superDir
	tr := startTraffic(g, "X-Hot", "")
	probe := func() string {
		r := g.doReq("GET", "/orders/1.0.0/1", withKey(keyApp1), "")
		if r.Status != http.StatusOK {
			return "status " + strconv.Itoa(r.Status)
		}
		return r.Header.Get("Echo-X-Hot")
	}
	served := func(step, want string) {
		t.Helper()
		took := waitFor(t, step+": X-Hot="+strconv.Quote(want)+" served", 5*time.Second, func() bool { return probe() == want })
		if took > hotLatency {
			t.Errorf("%s: took %v to be served, want under %v", step, took, hotLatency)
		}
	}
	state := func(file, want string) {
		t.Helper()
		waitFor(t, file+" "+want+" in /admin/sequences", 5*time.Second, func() bool {
			s, _, _ := g.fileState("carbon.super", file)
			return s == want
		})
	}

	tr.next("", "v1")
	writeSeq(t, dir, "global_in.xml", hotSeq("v1"))
	served("add", "v1")

	tr.next("v1", "v2")
	writeSeq(t, dir, "global_in.xml", hotSeq("v2"))
	served("modify", "v2")

	tr.next("v2") // a rename must never leave a gap
	if err := os.Rename(filepath.Join(dir, "global_in.xml"), filepath.Join(dir, "renamed.xml")); err != nil {
		t.Fatal(err)
	}
	state("renamed.xml", "active")
	state("global_in.xml", "")
	served("rename", "v2")

	tr.next("v2", "")
	removeSeq(t, dir, "renamed.xml")
	served("delete", "")

	tr.next("", "g1") // the name attribute counts, not the file name
	writeSeq(t, dir, "whatever.xml", hotSeq("g1"))
	served("whatever.xml", "g1")

	tr.next("g1")
	writeSeq(t, dir, "whatever.xml", seq("WSO2AM--Ext--In", setHeader("X-Hot", "bad"), "<foo/>")) // <foo/> on line 4
	if _, lastGood := checkRefused(t, g, "whatever.xml", regexp.MustCompile(`whatever\.xml:4\b`)); !lastGood {
		t.Errorf("broken update: /admin/sequences has serving_last_good=false for whatever.xml, want true")
	}
	if v := probe(); v != "g1" {
		t.Errorf("broken update: X-Hot = %q, want the last good g1", v)
	}

	tr.next("g1", "g2")
	writeSeq(t, dir, "whatever.xml", hotSeq("g2"))
	served("fix", "g2")
	state("whatever.xml", "active")

	tr.next("g2", "a1") // editors save by writing a temp file and renaming it over
	tmp := filepath.Join(dir, ".whatever.xml.swp")
	writeFile(t, tmp, hotSeq("a1"))
	if err := os.Rename(tmp, filepath.Join(dir, "whatever.xml")); err != nil {
		t.Fatal(err)
	}
	served("atomic replace", "a1")

	rapid := []string{"a1"}
	for i := 0; i < 200; i++ {
		rapid = append(rapid, "r"+strconv.Itoa(i))
	}
	tr.next(rapid...)
	for _, v := range rapid[1:] {
		writeSeq(t, dir, "whatever.xml", hotSeq(v))
	}
	served("200 rapid rewrites", "r199")

	tr.next("r199")
	writeSeq(t, dir, "zz_dup.xml", hotSeq("dup"))
	msg, _ := checkRefused(t, g, "zz_dup.xml", regexp.MustCompile(`zz_dup\.xml`))
	if !strings.Contains(msg, "whatever.xml") {
		t.Errorf("duplicate name error %q does not name the file already holding the name (whatever.xml)", msg)
	}
	if v := probe(); v != "r199" {
		t.Errorf("after a duplicate: X-Hot = %q, want r199 from the first file", v)
	}

	if sent := tr.finish(t); sent < 100 {
		t.Errorf("only %d requests flowed during the test; the traffic check is meaningless", sent)
	}
}

// checkRefused waits until file is refused, then checks its error matches
// re, and that stderr logged the error. It returns the error and
// the admin's serving_last_good.
func checkRefused(t *testing.T, g *gateway, file string, re *regexp.Regexp) (msg string, lastGood bool) {
	t.Helper()
	waitFor(t, file+" refused in /admin/sequences", 5*time.Second, func() bool {
		var state string
		state, msg, lastGood = g.fileState("carbon.super", file)
		return state == "refused"
	})
	if !re.MatchString(msg) {
		t.Errorf("%s refused with error %q, want it to match %q", file, msg, re)
	}
	waitFor(t, "a log line about refused "+file, 3*time.Second, func() bool {
		for _, l := range g.stderr.lines(file) {
			if re.MatchString(l) {
				return true
			}
		}
		return false
	})
	return msg, lastGood
}
