package handlers

import (
	"testing"

	"github.com/seqgate/seqgate/sequences"
)

// TestPlanFor: the names each flow looks up, in order, for a matched API
// and for none; the fault plan runs only the first deployed name.
func TestPlanFor(t *testing.T) {
	f := newFixture(t)
	api := f.exchange(t, "GET", "/orders/v1/1").Match.API
	if api == nil {
		t.Fatal("fixture: no API matched")
	}
	for _, c := range []struct {
		api  bool
		flow sequences.Flow
		want [2]string
	}{
		{true, sequences.FlowIn, [2]string{glIn, apiIn}},
		{true, sequences.FlowOut, [2]string{glOut, apiOut}},
		{true, sequences.FlowFault, [2]string{"admin--Orders:vv1--Fault", "fault"}},
		{false, sequences.FlowIn, [2]string{glIn, ""}},
		{false, sequences.FlowFault, [2]string{"", "fault"}},
	} {
		a := api
		if !c.api {
			a = nil
		}
		if got := PlanFor(a, c.flow); got.Names != c.want || got.Flow != c.flow {
			t.Errorf("PlanFor(api=%v, %s) = %+v, want %q", c.api, c.flow, got, c.want)
		}
	}
	set := buildSet(t, map[string]string{
		glIn: `<h.mark v="g"/>`, apiIn: `<h.mark v="a"/>`,
		"admin--Orders:vv1--Fault": `<h.mark v="f"/>`, "fault": `<h.mark v="t"/>`,
	})
	if run := PlanFor(api, sequences.FlowIn).Resolve(set); run[0] == nil || run[1] == nil {
		t.Errorf("in: both run, got %v", run)
	}
	if run := PlanFor(api, sequences.FlowFault).Resolve(set); run[0] == nil || run[1] != nil {
		t.Errorf("fault: only the API's runs, got %v", run)
	}
	if run := PlanFor(nil, sequences.FlowFault).Resolve(set); run[0] != nil || run[1] == nil {
		t.Errorf("fault without API: the tenant's runs, got %v", run)
	}
}
