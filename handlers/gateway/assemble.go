package gateway

import (
	"crypto/tls"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/accesslog"
	"github.com/seqgate/seqgate/handlers/analytics"
	"github.com/seqgate/seqgate/handlers/authn"
	"github.com/seqgate/seqgate/handlers/ratelimit"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/endpoint"
	"github.com/seqgate/seqgate/sequences"
)

// Deps are the parts of a gateway that outlive one config: the server
// keeps them across reloads (handlers/runtime decides what survives one), a
// test engine makes its own. A nil field gets an in-memory or "off"
// default, so Assemble(cfg, Deps{Repo: r}) is a complete gateway.
type Deps struct {
	Repo     *deploy.Repository // required: the sequences
	Router   *route.Router      // nil: built from the config
	Logger   *zap.Logger        // nil: no logs
	Registry *prometheus.Registry
	// Authn holds the JWKS fetchers and introspection caches. nil: a new
	// registry, never closed (fine when the config names no JWKS URL or
	// introspection endpoint; pass one to close it).
	Authn *authn.Registry
	// Throttle is the counter store; nil: a new in-memory store.
	Throttle       ratelimit.Store
	ThrottleHealth *handlers.StoreHealth // nil: store failures are not counted
	Publisher      *analytics.Publisher  // usage events; nil: none
	Tracer         trace.Tracer          // nil: tracing off
	Debug          Debug                 // nil: no dry-run or trace hook
	BackendTLS     *tls.Config           // nil: system roots
	// Clients is the running generation's backend client pool, whose
	// clients the new one carries over when their settings are unchanged;
	// nil: fresh clients. Retire it once the new gateway serves.
	Clients *endpoint.Pool
	// AccessLog is the access log, kept across reloads (access_log is
	// fixed at start); nil: off.
	AccessLog *accesslog.Log
	// Faults keeps the last failed requests across reloads; nil: none kept.
	Faults *handlers.FaultLog
}

// Assemble builds everything a config decides per request: router,
// handler chain (auth, throttle, usage, extension, in the configured
// order), backends, payload limits. It is the gateway's composition, read
// top to bottom here; handlers/runtime calls it at start and on each reload
// (seqgate run, and seqgate test through the same runtime).
func Assemble(cfg *config.Config, d Deps) (*Gateway, error) {
	d = d.withDefaults()
	router := d.Router
	if router == nil {
		var err error
		if router, err = route.New(cfg); err != nil {
			return nil, err
		}
	}
	set, err := authn.New(cfg, d.Authn)
	if err != nil {
		return nil, err
	}
	auth, err := handlers.NewAuth(cfg, handlers.AuthOptions{Verifiers: set})
	if err != nil {
		return nil, err
	}
	throttle, err := handlers.NewThrottle(cfg, handlers.ThrottleOptions{Store: d.Throttle, Health: d.ThrottleHealth, Registry: d.Registry})
	if err != nil {
		return nil, err
	}
	usage, err := handlers.NewUsage(cfg, handlers.UsageOptions{Publisher: d.Publisher, Registry: d.Registry, Faults: d.Faults})
	if err != nil {
		return nil, err
	}
	ext := handlers.NewExtension(handlers.ExtensionOptions{Logger: d.Logger, Tracer: d.Tracer})
	cors := handlers.NewCORS(cfg, router.APIs()) // nil when no API has CORS on
	chain := handlers.WithCORS(cors, handlers.Chain(cfg.ExtensionHandlerPosition, auth, throttle, usage, ext))
	// a tenant's tenant-conf.json may put the extension handler at the
	// other end (Gateway.chainFor)
	other := config.PositionTop
	if cfg.ExtensionHandlerPosition == config.PositionTop {
		other = config.PositionBottom
	}
	alt := handlers.WithCORS(cors, handlers.Chain(other, auth, throttle, usage, ext))
	// an API-M api file's API runs its own <handlers> list, then its resource
	byRole := map[sequences.HandlerRole]handlers.Handler{sequences.RoleAuth: auth, sequences.RoleThrottle: throttle,
		sequences.RoleUsage: usage, sequences.RoleExtension: ext}
	if cors != nil {
		byRole[sequences.RoleCORS] = cors
	}
	resource := handlers.NewResource(ext)
	apiChains := map[*route.API][]handlers.Handler{}
	for _, a := range router.APIs() {
		if a.Cfg.File != nil {
			apiChains[a] = handlers.FileChain(a.Cfg.File, byRole, resource)
		}
	}

	backends, err := NewBackends(router.APIs(), BackendOptions{
		Timeout: cfg.Timeouts.Backend.D(), MaxResponseBody: cfg.Limits.MaxResponseBodyBytes, TLS: d.BackendTLS,
		MaxHosts: cfg.Limits.MaxBackendHosts, Prev: d.Clients,
	})
	if err != nil {
		return nil, err
	}
	return New(Options{
		Router: router, Repo: d.Repo, Chain: chain, APIChains: apiChains, AltChain: alt, Position: cfg.ExtensionHandlerPosition,
		Backends: backends, Logger: d.Logger,
		Limits: scatterLimits(PayloadLimits(cfg.Limits), cfg), Tracer: d.Tracer, Debug: d.Debug, CORS: cors,
		Forwarding: Forwarding{MaxHops: cfg.Limits.MaxHops, Trusted: cfg.Forwarding.Prefixes()},
		Budget:     mediation.NewBudget(cfg.Limits.MaxBufferedBytes),
		AccessLog:  d.AccessLog,
	}), nil
}

func (d Deps) withDefaults() Deps {
	if d.Logger == nil {
		d.Logger = zap.NewNop()
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	if d.Authn == nil {
		d.Authn = authn.NewRegistry(d.Logger)
	}
	if d.Throttle == nil {
		d.Throttle = ratelimit.NewMemory(nil)
	}
	return d
}

// PayloadLimits are the limits a sequence's payload access enforces.
func PayloadLimits(l config.Limits) mediation.Limits {
	return mediation.Limits{
		MaxXMLDepth: l.MaxXMLDepth, MaxJSONDepth: l.MaxJSONDepth, MaxSeqDepth: mediation.DefaultLimits.MaxSeqDepth,
		MaxBodyBytes: l.MaxBodyBytes, MaxResponseBodyBytes: l.MaxResponseBodyBytes,
		XML: mediation.XMLLimits{Elements: l.MaxXMLElements, Attributes: l.MaxXMLAttributes,
			AttributeLength: l.MaxXMLAttributeLength, Children: l.MaxXMLChildren, TextLength: l.MaxXMLTextLength},
		JSON: mediation.JSONLimits{Keys: l.MaxJSONKeys, ArrayLength: l.MaxJSONArrayLength,
			StringLength: l.MaxJSONStringLength, KeyLength: l.MaxJSONKeyLength,
			DuplicateKeys: l.JSONDuplicateKeys == config.JSONDuplicateKeysAllow},
		MaxBranches: l.MaxBranchesPerRequest,
	}
}

// inflight counts the scatter branches running in this process, across
// config generations: a reload changes its bound, never its count.
var inflight = mediation.NewInflight(0)

// scatterLimits adds the process-wide scatter-gather bounds.
func scatterLimits(l mediation.Limits, cfg *config.Config) mediation.Limits {
	inflight.SetMax(cfg.Limits.MaxInflightBranches)
	l.Inflight = inflight
	l.AggregateTimeout = cfg.Timeouts.Aggregate.D()
	return l
}
