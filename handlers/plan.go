package handlers

import (
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/sequences"
)

var globalNames = [2]string{sequences.GlobalName(mediation.In), sequences.GlobalName(mediation.Out)}

// PlanFor answers "what runs for this API in this flow", for the extension
// handler, HandleFault and explain alike (api nil: no API matched):
//
//   - In, Out: the tenant's global WSO2AM--Ext--In/Out, then the API's
//     <api>--In/Out; each deployed one runs, in order, until one stops
//     the flow.
//   - Fault: the API's <api>--Fault, else the tenant's fault sequence.
//
// The In and Out names were built once at deploy (route.API.InSeq/OutSeq),
// so the request path allocates nothing; the per-API fault name is built
// here, which only the failure path and explain ask for.
func PlanFor(api *route.API, flow sequences.Flow) sequences.Plan {
	p := sequences.Plan{Flow: flow}
	switch flow {
	case sequences.FlowIn, sequences.FlowOut:
		p.Names[0] = globalNames[flow]
		if api != nil {
			p.Names[1] = api.InSeq
			if flow == sequences.FlowOut {
				p.Names[1] = api.OutSeq
			}
		}
	default:
		if api != nil {
			p.Names[0] = sequences.APIFaultSequenceName(api.Name)
		}
		p.Names[1] = sequences.FaultSequence
	}
	return p
}
