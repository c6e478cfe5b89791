package mediation

import "github.com/valyala/fasthttp"

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
