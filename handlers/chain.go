package handlers

import (
	"strings"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/mediation"
)

// Chain orders the handlers as WSO2 API-M does: auth, throttle, usage, then
// the extension handler ("bottom", the default), or the extension first
// when position is "top" (case-insensitive; API-M's older code inserts it at
// index 0, which is what we do: WSO2AM--Ext--In then runs before auth, so no
// api.ut.* property is set yet). nil handlers are left out.
func Chain(position string, auth, throttle, usage, ext Handler) []Handler {
	order := []Handler{auth, throttle, usage, ext}
	if strings.EqualFold(strings.TrimSpace(position), config.PositionTop) {
		order = []Handler{ext, auth, throttle, usage}
	}
	out := order[:0]
	for _, h := range order {
		if h != nil {
			out = append(out, h)
		}
	}
	return out
}

// RunRequest runs the request side of every handler in order, stopping at
// the first that returns false (as Synapse's API.process does); the
// caller then answers from ex.MC. It sets mc.Dir to In.
func RunRequest(chain []Handler, ex *Exchange) bool {
	ex.MC.Dir = mediation.In
	for _, h := range chain {
		if !h.HandleRequest(ex) {
			return false
		}
	}
	return true
}

// RunResponse runs the response side in the same order (Synapse does not
// reverse it), stopping at the first false. It sets mc.Dir to Out.
func RunResponse(chain []Handler, ex *Exchange) bool {
	ex.MC.Dir = mediation.Out
	for _, h := range chain {
		if !h.HandleResponse(ex) {
			return false
		}
	}
	return true
}
