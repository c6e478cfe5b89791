package mediators

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seqgate/seqgate/mediation"
)

const policyNS = `xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy" xmlns:throttle="http://www.wso2.org/products/wso2commons/throttle"`

// throttleCall runs src for one caller and returns "accept", "reject" or
// the continue/stop result of a branch, plus the transcript.
func throttleCall(t *testing.T, l mediation.List, tenant, ip string) (bool, string) {
	t.Helper()
	e := newEnv(t, "GET /x HTTP/1.1\nHost: h\n\n", "")
	e.mc.TenantDomain = tenant
	if ip != "" {
		e.mc.Axis2.Set("REMOTE_ADDR", ip)
	}
	e.mc.Sequences = seqMap{"rejected": mediation.List{respond{}}}
	cont, err := l.Mediate(e.mc)
	if err != nil {
		t.Fatal(err)
	}
	return cont, e.transcript(cont, err)
}

func TestThrottleRates(t *testing.T) {
	rate := `<throttle id="A"><policy><wsp:Policy ` + policyNS + `><throttle:ThrottleAssertion>
	  <wsp:All><throttle:ID throttle:type="IP">10.0.0.1-10.0.0.9</throttle:ID>
	    <wsp:ExactlyOne><wsp:All><throttle:Deny/></wsp:All></wsp:ExactlyOne></wsp:All>
	  <wsp:All><throttle:ID throttle:type="IP">192.168.0.0/16</throttle:ID>
	    <wsp:ExactlyOne><throttle:Allow/></wsp:ExactlyOne></wsp:All>
	  <wsp:All><throttle:ID throttle:type="IP">other</throttle:ID>
	    <wsp:ExactlyOne><wsp:All><throttle:Control><wsp:Policy>
	      <throttle:MaximumCount>2</throttle:MaximumCount><throttle:UnitTime>600000</throttle:UnitTime>
	      <throttle:ProhibitTimePeriod wsp:Optional="true">1000</throttle:ProhibitTimePeriod>
	    </wsp:Policy></throttle:Control></wsp:All></wsp:ExactlyOne></wsp:All>
	</throttle:ThrottleAssertion></wsp:Policy></policy>%s</throttle>`
	cases := []struct {
		name, branches string
		calls          []string // caller IPs, in order
		want           []bool   // continue?
		wantText       string   // in the last transcript
	}{
		{"per caller count then 429", "", []string{"1.2.3.4", "1.2.3.4", "1.2.3.4", "5.6.7.8"}, []bool{true, true, false, true}, "outcome: continue"},
		{"denied range", "", []string{"10.0.0.5"}, []bool{false}, `"code":"900800"`},
		{"allowed range is never counted", "", []string{"192.168.1.1", "192.168.1.1", "192.168.1.1"}, []bool{true, true, true}, ""},
		{"inline onReject", `<onAccept><property name="a" value="yes"/></onAccept><onReject><property name="r" value="yes"/><drop/></onReject>`,
			[]string{"10.0.0.2"}, []bool{false}, "outcome: drop"},
		{"onAccept runs", `<onAccept><property name="a" value="yes"/></onAccept>`, []string{"9.9.9.9"}, []bool{true}, `ctx:a = "yes"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, _, err := compileSnippet(strings.Replace(rate, "%s", tc.branches, 1))
			if err != nil {
				t.Fatal(err)
			}
			var got string
			for i, ip := range tc.calls {
				var cont bool
				cont, got = throttleCall(t, l, t.Name(), ip)
				if cont != tc.want[i] {
					t.Fatalf("call %d from %s: continue=%v, want %v\n%s", i, ip, cont, tc.want[i], got)
				}
			}
			if !strings.Contains(got, tc.wantText) {
				t.Errorf("last transcript lacks %q:\n%s", tc.wantText, got)
			}
		})
	}
}

// TestThrottleConcurrency: MaximumConcurrentAccess slots are taken on the
// request path and given back by <throttle id/> on the response path.
func TestThrottleConcurrency(t *testing.T) {
	in, _, err := compileSnippet(`<throttle id="C" onReject="rejected"><policy><wsp:Policy ` + policyNS +
		`><throttle:MediatorThrottleAssertion><throttle:MaximumConcurrentAccess>2</throttle:MaximumConcurrentAccess></throttle:MediatorThrottleAssertion></wsp:Policy></policy></throttle>`)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := compileSnippet(`<throttle id="C"/>`)
	if err != nil {
		t.Fatal(err)
	}
	tenant := t.Name()
	var envs []*env
	for i := range 3 {
		e := newEnv(t, "GET /x HTTP/1.1\nHost: h\n\n", "")
		e.mc.TenantDomain = tenant
		e.mc.Sequences = seqMap{"rejected": mediation.List{respond{}}}
		cont, _ := in.Mediate(e.mc)
		if want := i < 2; cont != want {
			t.Fatalf("request %d: continue=%v, want %v", i, cont, want)
		}
		envs = append(envs, e)
	}
	if envs[2].mc.Outcome != mediation.Respond {
		t.Fatal("onReject sequence key did not run")
	}
	envs[0].mc.Dir = mediation.Out
	if cont, err := out.Mediate(envs[0].mc); !cont || err != nil {
		t.Fatalf("release: %v %v", cont, err)
	}
	if n := throttles.lookup(tenant, "C").inUse(); n != 1 {
		t.Fatalf("%d slots in use after one release, want 1", n)
	}
	e := newEnv(t, "GET /x HTTP/1.1\nHost: h\n\n", "")
	e.mc.TenantDomain = tenant
	if cont, _ := in.Mediate(e.mc); !cont {
		t.Fatal("a released slot was not reused")
	}
}

func TestThrottleWindow(t *testing.T) {
	st := throttles.get(t.Name(), "w")
	r := &throttleRule{max: 2, unit: time.Minute, prohibit: 10 * time.Second}
	t0 := time.Now()
	steps := []struct {
		at   time.Duration
		want bool
	}{{0, true}, {time.Second, true}, {2 * time.Second, false}, {5 * time.Second, false}, {13 * time.Second, true}, {14 * time.Second, true}, {15 * time.Second, false}}
	for i, s := range steps {
		if got := st.allow(0, "c", r, t0.Add(s.at)); got != s.want {
			t.Fatalf("step %d at %v: allow=%v, want %v", i, s.at, got, s.want)
		}
	}
}

// TestThrottleConcurrent: under -race, never more requests hold slots than
// MaximumConcurrentAccess, and a rate admits exactly MaximumCount.
func TestThrottleConcurrent(t *testing.T) {
	st := throttles.get(t.Name(), "x")
	r := &throttleRule{max: 100, unit: time.Hour}
	var inFlight, peak, admitted atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				if st.allow(0, "same", r, time.Now()) {
					admitted.Add(1)
				}
				lease, ok := st.acquire(4, time.Now())
				if !ok {
					continue
				}
				n := inFlight.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				inFlight.Add(-1)
				st.release(lease)
			}
		}()
	}
	wg.Wait()
	if peak.Load() > 4 || admitted.Load() != 100 || st.inUse() != 0 {
		t.Fatalf("peak %d (max 4), admitted %d (want 100), in use %d", peak.Load(), admitted.Load(), st.inUse())
	}
}

// TestThrottlePeekPredictsAllow: what a dry-run is told (wouldAllow, free)
// is what the next real request gets, and asking changes nothing.
func TestThrottlePeekPredictsAllow(t *testing.T) {
	for _, prohibit := range []time.Duration{0, 90 * time.Second} {
		r := &throttleRule{other: true, max: 2, unit: time.Minute, prohibit: prohibit}
		st := throttles.new()
		now := time.Unix(1_700_000_000, 0)
		for i := range 12 {
			want := st.wouldAllow(0, "c", r, now)
			if again := st.wouldAllow(0, "c", r, now); again != want {
				t.Fatalf("prohibit %v, step %d: a second peek answered %v after %v", prohibit, i, again, want)
			}
			if got := st.allow(0, "c", r, now); got != want {
				t.Fatalf("prohibit %v, step %d: peek said %v, allow %v", prohibit, i, want, got)
			}
			now = now.Add(20 * time.Second)
		}
	}
	st := throttles.new()
	now := time.Unix(1_700_000_000, 0)
	if !st.free(1, now) || !st.free(1, now) {
		t.Fatal("free took a slot")
	}
	if _, ok := st.acquire(1, now); !ok || st.free(1, now) {
		t.Fatal("free does not see the slot in use")
	}
	if !st.free(1, now.Add(throttleLease)) {
		t.Error("free counts an expired lease")
	}
}
