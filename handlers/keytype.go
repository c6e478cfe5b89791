package handlers

import (
	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/sequences"
)

// IsSandbox reports whether the request's credential is a sandbox one
// (AM_KEY_TYPE, set by the auth handler on every request that reaches the
// backend: PRODUCTION for unsecured resources).
func IsSandbox(ex *Exchange) bool {
	v, _ := ex.MC.Props.Get(PropKeyType)
	return v == config.KeyTypeSandbox
}

// KeyTypeError answers a request whose credential's key type has no
// endpoint on its API, as an API-M API does from its AM_KEY_TYPE filter:
// the tenant's _sandbox_key_error_ (or _production_key_error_) runs; the
// built-in ones answer 403 900901 (sequences.WithDefaults). Should the
// sequence fail, the same fault is answered as the gateway's JSON error.
// On return mc.Outcome says what the gateway sends, as after HandleFault.
func KeyTypeError(ex *Exchange, sandbox bool) {
	name, f := sequences.ProductionKeyError, Fault{Status: fasthttp.StatusForbidden, Code: CodeInvalidCredentials,
		Message: "Production key offered to the API with no production endpoint"}
	if sandbox {
		name, f.Message = sequences.SandboxKeyError, "Sandbox key offered to the API with no sandbox endpoint"
	}
	f.Detail = f.Message
	if seq := ex.Seqs.Get(name); seq != nil {
		if _, ok := runErrorSequence(ex, seq, f.Status); ok {
			settle(ex.MC)
			return
		}
	}
	f.SetErrorProps(ex.MC)
	f.writeJSON(ex.MC)
}
