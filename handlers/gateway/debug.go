package gateway

import (
	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

// Debug lets the admin tooling look inside one request (handlers/dryrun
// implements it: the admin dry-run and the X-Seqgate-Trace header). It is
// kept behind an interface so the traffic path neither knows nor pays for
// it: a Gateway without one costs one nil check per request, and with one,
// Begin is a user-value lookup (plus a header lookup when an admin token
// is configured) on untraced requests.
type Debug interface {
	// Begin runs once the context is reset for a new request, before
	// routing; it may set mc.Trace (record the mediation trace) and
	// mc.Backend (answer backend calls from a stub).
	Begin(ctx *fasthttp.RequestCtx, mc *mediation.MessageContext)
	// End runs, for a traced request only, when the response is final.
	End(ctx *fasthttp.RequestCtx, mc *mediation.MessageContext)
}
