// Package handlers holds the per-request handler chain: auth, throttle,
// usage and extension, in the order the config asks for. It knows nothing of
// XML: the extension handler runs sequences the deploy package compiled.
package handlers

import (
	"net/netip"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/sequences"
)

// Handler is Synapse's handler shape: one side per direction, each returning
// whether the flow continues. A handler that returns false on the request
// path must have written the response into ex.MC.Resp (status, headers,
// body); the gateway then sends it without calling the backend.
type Handler interface {
	Name() string
	HandleRequest(ex *Exchange) bool
	HandleResponse(ex *Exchange) bool
}

// RunRequest runs the request side of every handler in order, stopping at
// the first that returns false (as Synapse's API.process does); the
// caller then answers from ex.MC. It sets mc.Dir to In.
func RunRequest(chain []Handler, ex *Exchange) bool { return runChain(chain, ex, mediation.In) }

// RunResponse runs the response side in the same order (Synapse does not
// reverse it), stopping at the first false. It sets mc.Dir to Out.
func RunResponse(chain []Handler, ex *Exchange) bool { return runChain(chain, ex, mediation.Out) }

func runChain(chain []Handler, ex *Exchange, dir mediation.Direction) bool {
	ex.MC.Dir = dir
	for _, h := range chain {
		if dir == mediation.In && !h.HandleRequest(ex) || dir == mediation.Out && !h.HandleResponse(ex) {
			return false
		}
	}
	return true
}

// Completer is implemented by handlers that need to see every finished
// request, whichever handler or mediator ended it (the usage handler records
// its event there). Complete runs once the response is final, before it is
// written; it must copy anything it keeps.
type Completer interface {
	Complete(ex *Exchange)
}

// Exchange is one request/response pair as the handlers see it: the message
// context, where the router sent it, and the tenant's sequence snapshot read
// once when the request started (so a hot swap never mixes two versions).
type Exchange struct {
	MC     *mediation.MessageContext
	Match  route.Match
	Seqs   *sequences.Set
	Timing RequestTiming
	// ClientIP is the client's address (the gateway sets it); the throttle
	// keys unauthenticated requests by it.
	ClientIP netip.Addr
	// App is the application the auth handler identified, nil when the
	// resource needs no key or the credential names no configured
	// application; throttle and usage read it.
	App *config.App
	// Principal is the caller as the auth handler identified it, from
	// whichever credential it accepted; zero when the resource needs none.
	Principal Principal
	// RateLimit is what the throttle counted on the most constrained level,
	// for the X-RateLimit-* headers it sets in Complete.
	RateLimit RateLimit
	// ClientCertVerified: the connection carried a client certificate that
	// chains to tls.client_ca; ClientCertCN is its subject CN. The gateway
	// reads the TLS state only for mtls resources, so both are zero
	// elsewhere.
	ClientCertVerified bool
	ClientCertCN       string
	// Span is the request's trace span, nil when tracing is off (the
	// gateway starts it); sequence runs hang child spans off it.
	Span trace.Span
	// FaultSequence is the error sequence that handled a failure of this
	// request (runErrorSequence sets it), for the fault log.
	FaultSequence string
}

// tenantDomain and apiName name the request's tenant and API for logs
// ("" when routing did not get that far).
func (ex *Exchange) tenantDomain() string {
	if ex.Match.Tenant != nil {
		return ex.Match.Tenant.Domain
	}
	return ex.MC.TenantDomain
}

func (ex *Exchange) apiName() string {
	if ex.Match.API != nil {
		return ex.Match.API.Name
	}
	return ""
}

// Principal is the authenticated caller. Strings point into the config or
// into a cached verification result: setting them allocates nothing.
type Principal struct {
	Method      string // apikey, oauth2, basic or mtls
	Issuer      string // who vouches for User and ConsumerKey: a token's or signed key's iss; "" otherwise
	User        string
	ConsumerKey string
	AppName     string
	AppID       string
	// AppTier is the application-level tier the credential carries (a
	// token claim, a signed API key's application tier); a configured
	// App's own tier wins.
	AppTier string
	// SubTier is the subscription tier the credential carries for this API
	// (a signed API key's tierInfo, a token claim).
	SubTier string
	Scopes  []string
}

// RequestTiming is measured by the gateway and the extension handler for the
// usage handler.
type RequestTiming struct {
	Start     time.Time
	Backend   time.Duration // waiting for the backend
	Mediation time.Duration // running extension sequences, both directions
}
