// Package sequences turns sequence XML into compiled, immutable Sequences,
// holds the naming convention of the WSO2 extension handler, and builds a
// tenant's immutable Set with reference checks and cycle detection.
package sequences

import (
	"strings"

	"github.com/seqgate/seqgate/mediation"
)

// The naming convention, in one place (WSO2 APIManagerExtensionHandler):
// global sequences run for every API of a tenant, then the per-API one.
const (
	GlobalPrefix = "WSO2AM--Ext--"
	// Error sequences called by handlers, as in API-M (see handlers/faults.go
	// for when each runs).
	AuthFailureHandler      = "_auth_failure_handler_"
	ThrottleOutHandler      = "_throttle_out_handler_"
	ResourceMismatchHandler = "_resource_mismatch_handler_" // API matched, resource or method did not
	FaultSequence           = "fault"                       // mediation or backend failure
	MainSequence            = "main"                        // no API matched
	// FaultSuffix ends a per-API fault sequence name.
	FaultSuffix = "--Fault"
)

// GlobalName is WSO2AM--Ext--In or WSO2AM--Ext--Out.
func GlobalName(d mediation.Direction) string { return GlobalPrefix + d.String() }

// APIName is Synapse's API name, the SYNAPSE_REST_API property:
// <provider>--<name>:v<version>, with "@" in the provider written "-AT-"
// (registry paths do not allow "@"). Example: admin--TwitterSearch:v1.0.0.
func APIName(provider, name, version string) string {
	n := strings.ReplaceAll(provider, "@", "-AT-") + "--" + name
	if version != "" {
		n += ":v" + version
	}
	return n
}

// APISequenceName is the per-API extension sequence for a direction, e.g.
// admin--TwitterSearch:v1.0.0--In.
func APISequenceName(apiName string, d mediation.Direction) string {
	return apiName + "--" + d.String()
}

// APIFaultSequenceName is the per-API fault sequence, e.g.
// admin--TwitterSearch:v1.0.0--Fault: API-M names it after the extension
// sequences (ResourceConfigContext: getSequenceExtensionName(api) + "--Fault")
// and sets it as the API's faultSequence, run instead of the tenant's fault.
func APIFaultSequenceName(apiName string) string { return apiName + FaultSuffix }

// Flow is one of the flows an API's messages take through the tenant's
// sequences: the request (In) and response (Out) extension sequences, and
// the fault sequence that answers a failure of either.
type Flow uint8

// The flows; FlowIn and FlowOut equal mediation.In and mediation.Out.
const (
	FlowIn    = Flow(mediation.In)
	FlowOut   = Flow(mediation.Out)
	FlowFault = FlowOut + 1
)

// FlowOf is the extension flow of a mediation direction.
func FlowOf(d mediation.Direction) Flow { return Flow(d) }

// String is "in", "out" or "fault", as `seqgate explain` names the flows.
func (f Flow) String() string {
	switch f {
	case FlowIn:
		return "in"
	case FlowOut:
		return "out"
	}
	return "fault"
}

// Plan is what runs for one API in one flow: the sequence names looked up,
// in order ("" is no step: no API matched). Built by handlers.PlanFor, the
// one place that says which names an API's flow uses, and read by both the
// extension handler (and HandleFault) and explain, so they cannot drift.
// A Plan is a value of fixed size: building one allocates nothing.
type Plan struct {
	Flow  Flow
	Names [2]string
}

// FirstOnly reports whether only the first deployed name of the plan runs
// (the fault flow: an API's fault sequence replaces the tenant's) rather
// than each deployed one in order until one stops the flow (In, Out: the
// global sequence, then the API's).
func (p Plan) FirstOnly() bool { return p.Flow == FlowFault }

// Resolve is the sequences of p that run from set, in order; nil for a
// name set lacks, or one a FirstOnly plan skips for an earlier one.
func (p Plan) Resolve(set *Set) [2]*Sequence {
	var out [2]*Sequence
	for i, name := range p.Names {
		if name == "" {
			continue
		}
		if out[i] = set.Get(name); out[i] != nil && p.FirstOnly() {
			break
		}
	}
	return out
}

// ReadsBody reports whether any sequence of p that set has may read or
// write the payload (Set.ReadsBody).
func (p Plan) ReadsBody(set *Set) bool {
	for _, name := range p.Names {
		if name != "" && set.ReadsBody(name) {
			return true
		}
	}
	return false
}
