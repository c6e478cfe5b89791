package handlers

import (
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/sequences"
)

// Resource runs the sequences of the matched <resource> of an API-M api
// file: its inSequence on the request path, its outSequence on the
// response path (inline, or named by the inSequence=/outSequence=
// attributes, from the Set the request started with). It is the last
// handler of such an API's chain, as Synapse runs the resource after every
// handler. The inSequence decides where the request goes: its <send> with
// an endpoint (API-M writes admin--X_APIproductionEndpoint_0) makes that
// endpoint the backend (mediation.Send); a <send/> on the response path
// answers the client. A YAML API has no such resource: the handler passes.
type Resource struct{ ext *Extension }

// NewResource builds the handler on the extension handler's sequence runner
// (its logger, tracer, body gate and failure path).
func NewResource(ext *Extension) *Resource { return &Resource{ext: ext} }

// Name implements Handler.
func (*Resource) Name() string { return "resource" }

// HandleRequest runs the resource's inSequence.
func (r *Resource) HandleRequest(ex *Exchange) bool { return r.mediate(ex, mediation.In) }

// HandleResponse runs the resource's outSequence.
func (r *Resource) HandleResponse(ex *Exchange) bool { return r.mediate(ex, mediation.Out) }

func (r *Resource) mediate(ex *Exchange, dir mediation.Direction) bool {
	seq := ResourceSequence(ex, dir)
	if seq == nil {
		return true
	}
	return r.ext.run(ex, dir, seq.NeedsBody || ex.Seqs != nil && ex.Seqs.ReadsBody(seq.Name), []*sequences.Sequence{seq})
}

// ResourceSequence is the api file resource's sequence for dir (In, Out)
// or nil: the inline one, else the one its attribute names.
func ResourceSequence(ex *Exchange, dir mediation.Direction) *sequences.Sequence {
	res := ex.Match.Resource
	if res == nil || res.Cfg == nil || res.Cfg.File == nil {
		return nil
	}
	f := res.Cfg.File
	seq, key := f.In, f.InKey
	if dir == mediation.Out {
		seq, key = f.Out, f.OutKey
	}
	if seq == nil && key != "" && ex.Seqs != nil {
		seq = ex.Seqs.Get(key)
	}
	return seq
}
