package mediation

import (
	"time"

	"github.com/valyala/fasthttp"
)

// Endpoint is a compiled Synapse endpoint (package mediation/endpoint
// builds them from <endpoint> XML and from the gateway's API backends).
// Send sends req to the endpoint's target and leaves the answer in resp;
// mc supplies the properties the endpoint reads (uri.var.*, To,
// REST_URL_POSTFIX). An error carries a Synapse error code through
// ErrorCode() string (101503 connection failed, 101504 timeout...).
//
// An Endpoint is shared by every request and must be safe for concurrent
// use; it never keeps req or resp after Send returns.
type Endpoint interface {
	Send(mc *MessageContext, req *fasthttp.Request, resp *fasthttp.Response) error
	Name() string
}

// EndpointLookup finds a deployed named endpoint of the tenant a request
// belongs to; nil (a nil interface) when there is none.
type EndpointLookup interface {
	Endpoint(name string) Endpoint
}

// BackendTransport stands in for the network on the backend calls of one
// request (MessageContext.Backend): the admin dry-run answers from a stub,
// or records what the backend saw and calls it for real through client.
// The endpoint has already built req exactly as it would go on the wire.
type BackendTransport interface {
	RoundTrip(mc *MessageContext, req *fasthttp.Request, resp *fasthttp.Response, client *fasthttp.HostClient, timeout time.Duration) error
}

// ClientPool is a config generation's backend clients (endpoint.Pool),
// which the gateway puts on every request (MessageContext.Clients); an
// interface here because mediation cannot import the endpoint package.
type ClientPool interface{ BackendPool() }
