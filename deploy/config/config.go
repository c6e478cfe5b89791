// Package config reads seqgate's YAML configuration: listeners, the
// repository root, tenants, throttling tiers, applications and APIs. A bad
// file is refused as a whole with an error naming the key and what is wrong;
// nothing starts half-configured.
package config

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/seqgate/seqgate/sequences"
)

// SuperTenantDomain and SuperTenantID name the super tenant, as in WSO2.
const (
	SuperTenantDomain = "carbon.super"
	SuperTenantID     = -1234
)

// Config is the whole configuration file.
type Config struct {
	Listen     Listen `yaml:"listen"`
	Repository string `yaml:"repository"` // WSO2-layout root; relative paths are relative to the config file
	// ExtensionHandlerPosition is "bottom" (default: auth, throttle, usage,
	// extension) or "top" (extension first), like WSO2's ExtensionHandlerPosition.
	ExtensionHandlerPosition string     `yaml:"extension_handler_position"`
	Limits                   Limits     `yaml:"limits"`
	Timeouts                 Timeouts   `yaml:"timeouts"`
	Log                      Log        `yaml:"log"`
	AccessLog                AccessLog  `yaml:"access_log"` // accesslog.go
	Usage                    Usage      `yaml:"usage"`
	TLS                      TLS        `yaml:"tls"`
	Lifecycle                Lifecycle  `yaml:"lifecycle"`
	Security                 Security   `yaml:"security"`
	Throttling               Throttling `yaml:"throttling"`
	Redis                    Redis      `yaml:"redis"`
	Analytics                Analytics  `yaml:"analytics"`
	Tracing                  Tracing    `yaml:"tracing"`
	Forwarding               Forwarding `yaml:"forwarding"`
	Cluster                  Cluster    `yaml:"cluster"`
	CORS                     CORS       `yaml:"cors"` // cors.go
	Tenants                  []Tenant   `yaml:"tenants"`
	Tiers                    []Tier     `yaml:"tiers"`
	Applications             []App      `yaml:"applications"`
	APIs                     []API      `yaml:"apis"`

	// Dir is the folder of the config file (not read from YAML).
	Dir string `yaml:"-"`
}

// Listen holds the listener addresses.
type Listen struct {
	HTTP  string `yaml:"http"`  // traffic, default ":8280"
	HTTPS string `yaml:"https"` // TLS traffic, default ":8243"; only when tls has certificates
	Admin string `yaml:"admin"` // admin/health/metrics, default "127.0.0.1:9765"; "off" disables
	// AdminToken is required on every admin path but /healthz and /readyz
	// (Authorization: Bearer <token>) when Admin is not a loopback address:
	// the admin API reveals deployment details and can trigger reloads.
	// AdminTokenFile reads it from a file instead (a mounted Secret).
	AdminToken     string `yaml:"admin_token"`
	AdminTokenFile string `yaml:"admin_token_file"`
}

// Limits bound what a client may send.
// Every limit, its default and the status it returns is listed in README.md
// and SECURITY.md. A numeric limit needs a row in LimitTable (limits.go),
// which gives its default and its positive check (TestLimitTableCoversLimits).
type Limits struct {
	MaxBodyBytes   int `yaml:"max_body_bytes"`   // default 10 MiB; larger bodies get 413
	MaxURIBytes    int `yaml:"max_uri_bytes"`    // request target, default 8 KiB; 414
	MaxHeaderBytes int `yaml:"max_header_bytes"` // header block, default 8 KiB; 431
	MaxHeaders     int `yaml:"max_headers"`      // header lines, default 100; 431
	MaxConns       int `yaml:"max_conns"`        // open client connections, default 10000; 503
	// MaxResponseBodyBytes bounds a backend's answer (default 64 MiB):
	// answers are buffered whole, so an unbounded one could take all the
	// memory. Larger answers get 502.
	MaxResponseBodyBytes int `yaml:"max_response_body_bytes"`
	// MaxBufferedBytes bounds the body bytes held in memory at once across
	// all requests (default 256 MiB): bodies a sequence reads are buffered,
	// and a request that would go over it gets 503. Bodies no sequence
	// reads are streamed and take nothing from it.
	MaxBufferedBytes int64 `yaml:"max_buffered_bytes"`
	// AllowEncodedSlashes lets %2F and %5C through in paths (default false:
	// 400), for APIs whose path variables carry them; decoded dot segments
	// are refused either way.
	AllowEncodedSlashes bool `yaml:"allow_encoded_slashes"`
	// MaxHops: a request whose X-Seqgate-Hops count (added by the gateway
	// on every backend request) is past it gets 508 Loop Detected; a
	// sequence calling the gateway itself stops there. Default 10.
	MaxHops int `yaml:"max_hops"`
	// MaxBackendHosts bounds the backend clients (one connection pool per
	// host:port) a config generation keeps; past it the least recently
	// used idle one is dropped with its idle connections. A uri-template
	// or To address whose host comes from the request would otherwise add
	// one per distinct host, forever. Default 1024.
	MaxBackendHosts int `yaml:"max_backend_hosts"`
	// MaxBranchesPerRequest bounds the clone/iterate branches (and
	// foreach elements) of one request, nested ones included; past it the
	// mediator fails (the fault sequence runs). Default 64.
	MaxBranchesPerRequest int `yaml:"max_branches_per_request"`
	// MaxInflightBranches bounds the clone/iterate branches running at
	// once across all requests, so a burst of fan-out requests cannot
	// multiply the backend calls without bound; a scatter that would pass
	// it fails at once (never queued). Default 1024.
	MaxInflightBranches int `yaml:"max_inflight_branches"`

	MaxXMLDepth  int `yaml:"max_xml_depth"`  // default 256
	MaxJSONDepth int `yaml:"max_json_depth"` // default 256
	// The other limits of WSO2's XML and JSON threat protectors, checked
	// when a sequence reads the payload (400 on a request, 502 on a response).
	MaxXMLElements        int `yaml:"max_xml_elements"`         // maxElementCount, default 100000
	MaxXMLAttributes      int `yaml:"max_xml_attributes"`       // maxAttributeCount per element, default 256
	MaxXMLAttributeLength int `yaml:"max_xml_attribute_length"` // maxAttributeLength, default 64 KiB
	MaxXMLChildren        int `yaml:"max_xml_children"`         // maxChildrenPerElement, default 10000
	MaxXMLTextLength      int `yaml:"max_xml_text_length"`      // one text node, default 1 MiB
	MaxJSONKeys           int `yaml:"max_json_keys"`            // maxPropertyCount per object, default 10000
	MaxJSONArrayLength    int `yaml:"max_json_array_length"`    // maxArrayElementCount, default 100000
	MaxJSONStringLength   int `yaml:"max_json_string_length"`   // maxStringLength, default 1 MiB
	MaxJSONKeyLength      int `yaml:"max_json_key_length"`      // maxKeyLength, default 1024
	// JSONDuplicateKeys is refuse (default) or allow: whether one JSON
	// object may name a property twice. JSON readers disagree on which
	// one counts (json-eval reads the first, most backends the last), so a
	// <filter> could check one value while the backend acts on another.
	JSONDuplicateKeys string `yaml:"json_duplicate_keys"`
}

// Timeouts for servers and backend calls.
type Timeouts struct {
	// HeaderRead bounds the request line and headers, from the connection's
	// first byte wait (new connection) or the first byte (keep-alive): a
	// slowloris client is cut off after it. Default 10s; 408 and close.
	HeaderRead Duration `yaml:"header_read"`
	Read       Duration `yaml:"read"`    // request body, from the end of the headers, default 30s
	Write      Duration `yaml:"write"`   // client response write, default 30s
	Idle       Duration `yaml:"idle"`    // keep-alive idle, default 120s
	Backend    Duration `yaml:"backend"` // whole backend call, default 60s
	// Aggregate is how long a clone or iterate waits for its branches
	// when the aggregate with its id (in the same file) sets no
	// completeCondition timeout: Synapse would wait forever. Default 60s.
	Aggregate Duration `yaml:"aggregate"`
}

// Log configures zap.
type Log struct {
	Level  string `yaml:"level"`  // debug, info (default), warn, error
	Format string `yaml:"format"` // json (default) or console
	// Lines are buffered and written at least every FlushInterval (default
	// 200ms), warnings and errors at once: one write per request and log
	// line costs more CPU than the rest of a header-only chain.
	// Unbuffered writes every line as it comes.
	FlushInterval Duration `yaml:"flush_interval"`
	Unbuffered    bool     `yaml:"unbuffered"`
}

// Usage configures the usage handler.
type Usage struct {
	Events *bool `yaml:"events"` // per-request JSON event log line, default true
}

// Tenant maps a numeric tenant id to its domain; the id names its folder
// repository/tenants/<id>/..., the domain its URLs /t/<domain>/...
type Tenant struct {
	ID     int    `yaml:"id"`
	Domain string `yaml:"domain"`
	// DefaultTier is the subscription tier of this tenant's callers when
	// neither their subscription nor the API names one.
	DefaultTier string `yaml:"default_tier"`
}

// Tier is a throttling tier: Requests per Unit.
type Tier struct {
	Name     string   `yaml:"name"`
	Requests int      `yaml:"requests"`
	Unit     Duration `yaml:"unit"`
	Burst    *Burst   `yaml:"burst"` // optional short-window limit on top
}

// App is an application with its API keys.
type App struct {
	Name        string   `yaml:"name"`
	ID          string   `yaml:"id"`           // default: Name
	Tenant      string   `yaml:"tenant"`       // domain; default the super tenant
	ConsumerKey string   `yaml:"consumer_key"` // api.ut.consumerKey; default: ID
	User        string   `yaml:"user"`
	Keys        []string `yaml:"keys"`
	Tier        string   `yaml:"tier"` // application level: one quota for the app across all its APIs
	// Subscriptions, when listed, are the only APIs the app may call
	// (others: 403 900908), each optionally with its own tier. Empty: every
	// API of the app's tenant, at the API's tier.
	Subscriptions []Subscription `yaml:"subscriptions"`
	// KeyType is the key type of the application's plain keys (and of its
	// consumer key's tokens that carry none), PRODUCTION (default) or
	// SANDBOX, as API-M's keys: the auth handler sets AM_KEY_TYPE from it,
	// and it picks the API's backend or sandbox_backend.
	KeyType string `yaml:"key_type"`
}

// Key types of API-M credentials (AM_KEY_TYPE).
const (
	KeyTypeProduction = "PRODUCTION"
	KeyTypeSandbox    = "SANDBOX"
)

// API is one published API.
type API struct {
	Provider string   `yaml:"provider"`
	Name     string   `yaml:"name"`
	Version  string   `yaml:"version"`
	Context  string   `yaml:"context"`  // e.g. /twitter; served at /<context>/<version> (and /t/<domain>/... for tenants)
	Tenant   string   `yaml:"tenant"`   // domain; default the super tenant
	Auth     string   `yaml:"auth"`     // "apikey" (default), "none" or "mtls" (a verified client certificate)
	Tier     string   `yaml:"tier"`     // subscription tier of callers without their own; "" or "Unlimited": none
	APITier  string   `yaml:"api_tier"` // API level: one quota shared by every caller of the API
	Backend  []string `yaml:"backend"`  // backend base URLs, round-robin
	// SandboxBackend is where SANDBOX credentials go (same form as
	// Backend); empty: they get _sandbox_key_error_ (403 900901), as an
	// API-M API without a sandbox endpoint answers them.
	SandboxBackend []string   `yaml:"sandbox_backend"`
	Resources      []Resource `yaml:"resources"`
	// FaultOn5xx treats a backend answer with a 5xx status as a backend
	// failure: ERROR_CODE is the status, and <api>--Fault / fault shape
	// the answer. Off by default, as in API-M, where 5xx answers pass
	// through the Out flow.
	FaultOn5xx bool         `yaml:"fault_on_5xx"`
	Mediation  APIMediation `yaml:"mediation"` // custom sequence library (mediation.go)
	// CORS overrides the global cors section for this API (cors.go); nil
	// follows it.
	CORS *CORS `yaml:"cors"`
	// File is the API-M api file this API comes from (apim.go); nil for
	// the config's own APIs. Aliases are further contexts it serves (a
	// default-version API's), without the version.
	File    *sequences.API `yaml:"-"`
	Aliases []string       `yaml:"-"`
}

// Resource is one resource of an API.
type Resource struct {
	Methods     []string `yaml:"methods"`      // default: all
	URITemplate string   `yaml:"uri_template"` // e.g. /orders/{id}, /*; default /*
	Auth        string   `yaml:"auth"`         // "" inherits the API's; "none" makes it unauthenticated; "mtls" needs a client certificate
	Scopes      []string `yaml:"scopes"`       // a token must carry one of them (else 403 900910)
	Tier        string   `yaml:"tier"`         // resource level: one quota shared by every caller of the resource
	// File is the <resource> of an api file (apim.go); nil in the config.
	File *sequences.APIResource `yaml:"-"`
}

// Duration is a time.Duration written as "30s", "1m".
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (e.g. 30s, 1m): %w", n.Line, s, err)
	}
	*d = Duration(v)
	return nil
}

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Load reads, defaults and validates the config file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c.Dir = filepath.Dir(abs)
	if c.Repository != "" && !filepath.IsAbs(c.Repository) {
		c.Repository = filepath.Join(c.Dir, c.Repository)
	}
	c.TLS.resolve(c.Dir)
	if err := c.Listen.readTokenFile(c.Dir); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// Parse decodes YAML (unknown keys are errors), substitutes ${VAR},
// ${VAR:-default} and $env{VAR} in values (env.go), applies defaults and
// validates.
func Parse(data []byte) (*Config, error) {
	var c Config
	if err := decodeStrict(data, &c, os.LookupEnv); err != nil { // env.go
		return nil, err
	}
	c.defaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}
