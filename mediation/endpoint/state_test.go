package endpoint

import (
	"testing"
	"time"
)

// fakeClock is a manual clock for the suspension state machine.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestStateMachine(t *testing.T) {
	type step struct {
		do    string // "fail:<code>", "ok", "wait:<dur>"
		code  int
		wait  time.Duration
		state string
		ready bool
	}
	fail := func(code int, state string, ready bool) step {
		return step{do: "fail", code: code, state: state, ready: ready}
	}
	wait := func(d time.Duration, state string, ready bool) step {
		return step{do: "wait", wait: d, state: state, ready: ready}
	}
	ok := step{do: "ok", state: StateActive, ready: true}
	cases := []struct {
		name  string
		cfg   Suspension
		steps []step
	}{
		{"defaults: connection failure suspends 30s", DefaultSuspension, []step{
			fail(CodeConnectFailed, StateSuspended, false),
			wait(29*time.Second, StateSuspended, false),
			wait(time.Second, StateSuspended, true), // retry allowed, state unchanged until the try
			ok,
		}},
		{"defaults: timeout suspends at once (no retries)", DefaultSuspension, []step{
			fail(CodeTimeout, StateSuspended, false),
		}},
		{"progression grows and is capped", Suspension{InitialDuration: time.Second, ProgressionFactor: 2, MaxDuration: 3 * time.Second}, []step{
			fail(CodeConnectFailed, StateSuspended, false),
			wait(time.Second, StateSuspended, true),
			fail(CodeConnectFailed, StateSuspended, false), // 2 s now
			wait(time.Second, StateSuspended, false),
			wait(time.Second, StateSuspended, true),
			fail(CodeConnectFailed, StateSuspended, false), // 4 s capped to 3 s
			wait(2*time.Second, StateSuspended, false),
			wait(time.Second, StateSuspended, true),
			ok,
			fail(CodeConnectFailed, StateSuspended, false), // back to 1 s after success
			wait(time.Second, StateSuspended, true),
		}},
		{"suspend codes filter", Suspension{SuspendCodes: []int{CodeConnectionClosed}, InitialDuration: time.Second, ProgressionFactor: 1,
			TimeoutCodes: []int{CodeTimeout}, RetriesBeforeSusp: 1}, []step{
			fail(CodeConnectFailed, StateActive, true), // not a suspend code
			fail(CodeConnectionClosed, StateSuspended, false),
		}},
		{"mark for suspension: retries, delay, then suspended", Suspension{InitialDuration: 5 * time.Second, ProgressionFactor: 1,
			RetriesBeforeSusp: 2, RetryDelay: 100 * time.Millisecond}, []step{
			fail(CodeTimeout, StateTimeout, false),
			wait(100*time.Millisecond, StateTimeout, true),
			fail(CodeTimeout, StateTimeout, false),
			wait(100*time.Millisecond, StateTimeout, true),
			fail(CodeTimeout, StateSuspended, false),
			wait(5*time.Second, StateSuspended, true),
			ok,
			fail(CodeConnectionClosed, StateTimeout, false), // retries counted afresh
		}},
		{"API-M publisher default never takes the backend out", NoSuspension, []step{
			fail(CodeConnectFailed, StateSuspended, true),
			fail(CodeTimeout, StateSuspended, true),
			ok,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
			cfg := tc.cfg
			s := newState(&cfg, clk.now)
			for i, st := range tc.steps {
				switch st.do {
				case "fail":
					s.fault(st.code)
				case "ok":
					s.success()
				case "wait":
					clk.advance(st.wait)
				}
				if got := s.current(); got != st.state {
					t.Fatalf("step %d (%s %d %v): state %s, want %s", i, st.do, st.code, st.wait, got, st.state)
				}
				if got := s.ready(); got != st.ready {
					t.Fatalf("step %d (%s %d %v): ready %v, want %v", i, st.do, st.code, st.wait, got, st.ready)
				}
			}
		})
	}
}
