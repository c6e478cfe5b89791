package handlers

import (
	"strings"
	"testing"

	"github.com/seqgate/seqgate/mediation"
)

// recorder is a Handler that notes its calls and stops when told to.
type recorder struct {
	name string
	log  *[]string
	stop bool
}

func (r *recorder) Name() string { return r.name }
func (r *recorder) HandleRequest(ex *Exchange) bool {
	*r.log = append(*r.log, r.name+".req:"+ex.MC.Dir.String())
	return !r.stop
}
func (r *recorder) HandleResponse(ex *Exchange) bool {
	*r.log = append(*r.log, r.name+".resp:"+ex.MC.Dir.String())
	return !r.stop
}

func TestChain(t *testing.T) {
	cases := []struct {
		name, position string
		stop           string
		nilUsage       bool
		wantReq        string
		wantResp       string
	}{
		{"bottom", "bottom", "", false, "auth,throttle,usage,ext", "auth,throttle,usage,ext"},
		{"default is bottom", "", "", false, "auth,throttle,usage,ext", "auth,throttle,usage,ext"},
		{"top", "TOP", "", false, "ext,auth,throttle,usage", "ext,auth,throttle,usage"},
		{"stops at first false", "bottom", "throttle", false, "auth,throttle", "auth,throttle"},
		{"nil left out", "bottom", "", true, "auth,throttle,ext", "auth,throttle,ext"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var log []string
			mk := func(n string) *recorder { return &recorder{name: n, log: &log, stop: n == tc.stop} }
			var usage Handler = mk("usage")
			if tc.nilUsage {
				usage = nil
			}
			chain := Chain(tc.position, mk("auth"), mk("throttle"), usage, mk("ext"))
			ex := f0(t)
			RunRequest(chain, ex)
			RunResponse(chain, ex)
			want := prefixed(tc.wantReq, ".req:In") + "|" + prefixed(tc.wantResp, ".resp:Out")
			if got := strings.Join(log, ","); got != strings.Replace(want, "|", ",", 1) {
				t.Errorf("calls\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func f0(t *testing.T) *Exchange {
	return newFixture(t).exchange(t, "GET", "/open/v1/x")
}

func prefixed(names, suffix string) string {
	parts := strings.Split(names, ",")
	for i := range parts {
		parts[i] += suffix
	}
	return strings.Join(parts, ",")
}

func TestRunResultAndDirection(t *testing.T) {
	var log []string
	ex := f0(t)
	ok := RunRequest([]Handler{&recorder{name: "a", log: &log}}, ex)
	if !ok || ex.MC.Dir != mediation.In {
		t.Errorf("RunRequest = %v dir %v", ok, ex.MC.Dir)
	}
	ok = RunResponse([]Handler{&recorder{name: "a", log: &log, stop: true}}, ex)
	if ok || ex.MC.Dir != mediation.Out {
		t.Errorf("RunResponse = %v dir %v", ok, ex.MC.Dir)
	}
}
