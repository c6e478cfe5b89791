// Package apimimport turns WSO2 API Manager API projects (what `apictl
// export api` writes and `apictl import api` reads, 3.x and 4.x layouts,
// folder or zip) and plain OpenAPI 3 / Swagger 2 files into seqgate
// configuration: the apis section (context, version, provider, resources,
// auth from the security schemes, scopes, tiers, backend), the tiers it
// names, and the API's custom sequences under their per-API Synapse names
// (<provider>--<name>:v<version>--In/Out/Fault). API-M's gateway files carry
// none of auth types, scopes or tiers (they live in the key manager and the
// publisher's database), so the project is where they come from.
//
// Everything that cannot be mapped is reported as a Note naming the file and
// line, never dropped silently.
package apimimport

import "fmt"

// Config is the part of seqgate's configuration an import writes. The
// fields follow deploy/config's YAML keys; omitempty keeps the output to
// what the project said, so the defaults documented there apply to the rest.
type Config struct {
	Repository string    `yaml:"repository"`
	Tenants    []Tenant  `yaml:"tenants,omitempty"`
	Tiers      []Tier    `yaml:"tiers,omitempty"`
	Security   *Security `yaml:"security,omitempty"`
	APIs       []API     `yaml:"apis"`
}

// Tenant is a tenants[] entry.
type Tenant struct {
	ID     int    `yaml:"id"`
	Domain string `yaml:"domain"`
}

// Tier is a tiers[] entry.
type Tier struct {
	Name     string `yaml:"name"`
	Requests int    `yaml:"requests"`
	Unit     string `yaml:"unit"`
}

// Security holds the JWT issuers oauth2 APIs need to load.
type Security struct {
	JWT struct {
		Issuers []Issuer `yaml:"issuers"`
	} `yaml:"jwt"`
}

// Issuer is a security.jwt.issuers[] entry.
type Issuer struct {
	Issuer  string `yaml:"issuer"`
	JWKSURL string `yaml:"jwks_url"`
	Tenant  string `yaml:"tenant,omitempty"`
}

// API is an apis[] entry.
type API struct {
	Provider string   `yaml:"provider"`
	Name     string   `yaml:"name"`
	Version  string   `yaml:"version"`
	Context  string   `yaml:"context"`
	Tenant   string   `yaml:"tenant,omitempty"`
	Auth     string   `yaml:"auth,omitempty"`
	Tier     string   `yaml:"tier,omitempty"`
	APITier  string   `yaml:"api_tier,omitempty"`
	Backend  []string `yaml:"backend"`
	// SandboxBackend: the project's sandbox endpoints, for SANDBOX keys.
	SandboxBackend []string   `yaml:"sandbox_backend,omitempty"`
	Resources      []Resource `yaml:"resources,omitempty"`
	CORS           *CORS      `yaml:"cors,omitempty"`
}

// SynapseName is <provider>--<name>:v<version>, "@" written "-AT-", the
// name API-M gives the API and its extension sequences.
func (a *API) SynapseName() string {
	return synapseName(a.Provider, a.Name, a.Version)
}

// Resource is a resources[] entry.
type Resource struct {
	Methods     []string `yaml:"methods,flow"`
	URITemplate string   `yaml:"uri_template"`
	Auth        string   `yaml:"auth,omitempty"`
	Tier        string   `yaml:"tier,omitempty"`
	Scopes      []string `yaml:"scopes,omitempty,flow"`
}

// CORS is an apis[].cors section (API-M's corsConfiguration).
type CORS struct {
	Enable           *bool    `yaml:"enable,omitempty"`
	AllowOrigins     []string `yaml:"allow_origins,omitempty,flow"`
	AllowMethods     []string `yaml:"allow_methods,omitempty,flow"`
	AllowHeaders     []string `yaml:"allow_headers,omitempty,flow"`
	AllowCredentials *bool    `yaml:"allow_credentials,omitempty"`
}

// Sequence is a custom sequence to deploy for an API, already renamed.
type Sequence struct {
	Tenant string // domain; "" the super tenant
	Name   string // <api>--In, --Out or --Fault
	From   string // the project file it came from
	Data   []byte
}

// Note is one thing the import could not map (or mapped with a change the
// user must know about), at the file and line it is about.
type Note struct {
	File string
	Line int
	Msg  string
}

func (n Note) String() string {
	if n.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", n.File, n.Line, n.Msg)
	}
	return fmt.Sprintf("%s: %s", n.File, n.Msg)
}

// Result is what an import produced.
type Result struct {
	Config    Config
	Sequences []Sequence
	Done      []string // one line per imported API
	Notes     []Note
}

func synapseName(provider, name, version string) string {
	n := replaceAll(provider, "@", "-AT-") + "--" + name
	if version != "" {
		n += ":v" + version
	}
	return n
}
