package mediation

import (
	"strings"

	"github.com/valyala/fasthttp"
)

// Transport switches: the axis2 properties of Synapse's HTTP transport
// that the corpus sets. Those that map onto fasthttp are recorded here and
// applied by the code that puts the message on the wire:
//
//   - NO_KEEPALIVE: Connection: close to the backend (ShapeBackendRequest).
//   - REQUEST_HOST_HEADER: the Host header sent to the backend
//     (ShapeBackendRequest; the endpoint sets its own Host first).
//   - FORCE_HTTP_1.0: the backend request line says HTTP/1.0
//     (ShapeBackendRequest).
//   - HTTP_SC_DESC: the reason phrase of the client's response, wherever it
//     was set (FinishResponse).
//   - FORCE_SC_ACCEPTED: the client gets 202 Accepted with no body. Synapse
//     answers at once and lets the flow go on; seqgate still runs the flow
//     (the backend is called, Out sequences run) and then answers 202
//     (FinishResponse).
//
// Accepted and ignored, because seqgate already behaves that way or has
// nothing to switch: DISABLE_CHUNKING, FORCE_HTTP_CONTENT_LENGTH and
// COPY_CONTENT_LENGTH_FROM_INCOMING (a buffered body is always sent with
// Content-Length), FORCE_POST_PUT_NOBODY, FAULTS_AS_HTTP_200 and OUT_ONLY
// (stored as plain axis2 values, readable with $axis2:). POST_TO_URI (the
// absolute URL in the request line, as to a proxy) is accepted and ignored
// too: fasthttp's HostClient always writes the origin form (/path?query).
type wireFlags struct {
	noKeepAlive   bool
	forceHTTP10   bool
	forceAccepted bool
	hostHeader    string
	scDesc        string
}

// setWireFlag records a transport switch; value "" clears it (remove).
func (mc *MessageContext) setWireFlag(name, value string) {
	w := &mc.wire
	on := isTrue(value)
	switch name {
	case "NO_KEEPALIVE":
		w.noKeepAlive = on
	case "FORCE_HTTP_1.0":
		w.forceHTTP10 = on
	case "FORCE_SC_ACCEPTED":
		w.forceAccepted = on
	case "REQUEST_HOST_HEADER":
		w.hostHeader = value
	case "HTTP_SC_DESC":
		w.scDesc = value
	}
}

// isTrue is Axis2's JavaUtils.isTrueExplicitly for strings.
func isTrue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "1", "on":
		return true
	}
	return false
}

// ShapeBackendRequest applies the transport switches to a request about to
// be sent to a backend. Call it last, after the endpoint has set the URI
// and Host and stripped hop-by-hop headers (that strip clears fasthttp's
// Connection: close flag).
func (mc *MessageContext) ShapeBackendRequest(req *fasthttp.Request) {
	w := &mc.wire
	if w.hostHeader != "" {
		req.Header.SetHost(w.hostHeader)
		req.UseHostHeader = true
	}
	if w.noKeepAlive {
		req.Header.SetConnectionClose()
	}
	if w.forceHTTP10 {
		req.Header.SetProtocol("HTTP/1.0")
	}
}

// FinishResponse applies the switches that shape the client's answer
// (HTTP_SC_DESC, FORCE_SC_ACCEPTED) to mc.Resp. The gateway calls it just
// before answering.
func (mc *MessageContext) FinishResponse() {
	w := &mc.wire
	if w.forceAccepted {
		mc.Resp.ResetBody()
		mc.Resp.Header.Del("Content-Type")
		mc.Resp.SetStatusCode(fasthttp.StatusAccepted)
	}
	if w.scDesc != "" {
		mc.Resp.Header.SetStatusMessage([]byte(w.scDesc))
	}
}
