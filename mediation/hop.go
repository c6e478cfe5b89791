package mediation

// HopsHeader counts how many times a request has passed through a seqgate:
// the gateway sends the received count plus one on every backend request
// and answers 508 when the received count is past limits.max_hops, so a
// sequence that calls the gateway itself stops after a few rounds instead
// of recursing until file descriptors run out.
const HopsHeader = "X-Seqgate-Hops"

// Hop is what the gateway received on the client's hop, read once before
// routing; the endpoint package turns it into the headers every backend
// request carries (X-Seqgate-Hops, X-Forwarded-For/-Proto/-Host). Taken
// from here, not from the request, they are right for every backend call
// of the request, whatever the sequences did to its headers.
type Hop struct {
	Count int    // X-Seqgate-Hops as received (0: absent or not a number)
	For   []byte // X-Forwarded-For to send: the trusted chain, then the client's address
	Proto string // X-Forwarded-Proto to send: "http" or "https"
	Host  []byte // X-Forwarded-Host to send
}
