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
