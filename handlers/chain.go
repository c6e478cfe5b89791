package handlers

import (
	"strings"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/sequences"
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

// FileChain orders the handlers of an API-M api file as its <handlers>
// list does, each class mapped onto seqgate's handler for its role
// (sequences.HandlerClasses: the one table); no-op classes are left out,
// as are roles whose handler is nil. The extension handler thus runs where
// the file puts it: first in one file, last in another. resource (the
// resource's in/out sequences) comes last: Synapse runs the resource after
// every handler.
func FileChain(a *sequences.API, byRole map[sequences.HandlerRole]Handler, resource Handler) []Handler {
	var out []Handler
	for _, h := range a.Handlers {
		if x := byRole[h.Role]; x != nil {
			out = append(out, x)
		}
	}
	if resource != nil {
		out = append(out, resource)
	}
	return out
}
