// Package handlers holds the per-request handler chain: auth, throttle,
// usage and extension, in the order the config asks for. It knows nothing of
// XML: the extension handler runs sequences the deploy package compiled.
package handlers

import (
	"time"

	"github.com/seqgate/seqgate/mediation"
)

// Handler is Synapse's handler shape: one side per direction, each returning
// whether the flow continues. A handler that returns false on the request
// path must have written the response into mc.Resp (status, headers, body);
// the gateway then sends it without calling the backend.
type Handler interface {
	Name() string
	HandleRequest(mc *mediation.MessageContext) bool
	HandleResponse(mc *mediation.MessageContext) bool
}

// Completer is implemented by handlers that need to see every finished
// request, whichever handler or mediator ended it (the usage handler records
// its event there). Complete runs after the response is final, before it is
// written; it must copy anything it keeps.
type Completer interface {
	Complete(mc *mediation.MessageContext, rt *RequestTiming)
}

// RequestTiming is measured by the gateway for the usage handler.
type RequestTiming struct {
	Start     time.Time
	Backend   time.Duration // time spent waiting for the backend
	Mediation time.Duration // time spent in the extension handler's sequences
}
