// Package route finds, for a request path, the tenant, the API and the
// resource it addresses, the way WSO2 API-M's gateway does with URL
// versioning: /[t/<domain>/]<context>/<version>/<resource>. Everything is
// built once by New; Match only reads, allocates nothing on a hit without
// path variables, and is safe for concurrent use.
package route

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/sequences"
)

// Tenant is a tenant as requests see it.
type Tenant struct {
	ID     int
	Domain string

	idString string // ID in decimal, made once by New (tenant.info.id)
}

// IDString is the tenant ID in decimal, without an allocation per request
// for tenants the router made.
func (t *Tenant) IDString() string {
	if t.idString == "" {
		return strconv.Itoa(t.ID)
	}
	return t.idString
}

// API is one published API, with the names its sequences and properties use.
type API struct {
	Cfg    *config.API
	Tenant *Tenant
	// Name is Synapse's API name, the SYNAPSE_REST_API property
	// (sequences.APIName), e.g. admin--TwitterSearch:v1.0.0.
	Name string
	// InSeq and OutSeq are the per-API extension sequence names
	// (sequences.APISequenceName), e.g. admin--TwitterSearch:v1.0.0--In.
	InSeq, OutSeq string
	// Context is the REST_API_CONTEXT property: the context with the tenant
	// prefix (/t/abc.com/stock), without the version, as Synapse stores it.
	Context string
	// Prefix is the full path prefix: [/t/<domain>]<context>/<version>.
	Prefix string
	// Tier is the API's throttling tier; nil means unlimited.
	Tier      *config.Tier
	Resources []*Resource
}

// Router holds the routing tables of all tenants.
type Router struct {
	super   *tenantRoutes
	tenants map[string]*tenantRoutes // by domain, super tenant excluded
	apis    []*API
}

type tenantRoutes struct {
	tenant *Tenant
	apis   map[string]*API // by context + "/" + version, without /t/<domain>
}

// New builds the routing tables from a validated config. It refuses what
// would make matching ambiguous (two APIs on one path, a bad template).
func New(cfg *config.Config) (*Router, error) {
	r := &Router{tenants: map[string]*tenantRoutes{}}
	r.super = &tenantRoutes{tenant: &Tenant{ID: config.SuperTenantID, Domain: config.SuperTenantDomain, idString: strconv.Itoa(config.SuperTenantID)}, apis: map[string]*API{}}
	for _, t := range cfg.Tenants {
		r.tenants[t.Domain] = &tenantRoutes{tenant: &Tenant{ID: t.ID, Domain: t.Domain, idString: strconv.Itoa(t.ID)}, apis: map[string]*API{}}
	}
	tiers := map[string]*config.Tier{}
	for i := range cfg.Tiers {
		tiers[cfg.Tiers[i].Name] = &cfg.Tiers[i]
	}
	for i := range cfg.APIs {
		if err := r.add(&cfg.APIs[i], tiers); err != nil {
			return nil, fmt.Errorf("route: apis[%d]: %w", i, err)
		}
	}
	return r, nil
}

func (r *Router) add(c *config.API, tiers map[string]*config.Tier) error {
	tr := r.routesOf(c.Tenant)
	if tr == nil {
		return fmt.Errorf("tenant %q is not declared", c.Tenant)
	}
	key := c.Context + "/" + c.Version
	name := sequences.APIName(c.Provider, c.Name, c.Version)
	if c.File != nil { // an API-M api file: the context carries the version
		key, name = c.Context, c.File.SynapseName()
	}
	for _, k := range append([]string{key}, c.Aliases...) {
		if _, dup := tr.apis[k]; dup {
			return fmt.Errorf("%s is served twice in tenant %s", k, c.Tenant)
		}
	}
	a := &API{
		Cfg: c, Tenant: tr.tenant, Name: name,
		InSeq:   sequences.APISequenceName(name, mediation.In),
		OutSeq:  sequences.APISequenceName(name, mediation.Out),
		Context: tenantPrefix(tr.tenant) + c.Context, // API-M's files: the context with the version, as Synapse's REST_API_CONTEXT
		Prefix:  tenantPrefix(tr.tenant) + key,
		Tier:    tiers[c.Tier],
	}
	for i := range c.Resources {
		res, err := newResource(c, &c.Resources[i])
		if err != nil {
			return fmt.Errorf("resources[%d]: %w", i, err)
		}
		a.Resources = append(a.Resources, res)
	}
	sort.SliceStable(a.Resources, func(i, j int) bool {
		// an api file: Synapse's dispatchers try every url-mapping resource
		// before any uri-template one, then the most specific
		if ui, uj := a.Resources[i].urlMapping(), a.Resources[j].urlMapping(); ui != uj {
			return ui
		}
		return a.Resources[i].moreSpecific(a.Resources[j])
	})
	tr.apis[key] = a
	for _, k := range c.Aliases { // default-version contexts route to the versioned API
		tr.apis[k] = a
	}
	r.apis = append(r.apis, a)
	return nil
}

func (r *Router) routesOf(domain string) *tenantRoutes {
	if domain == "" || domain == config.SuperTenantDomain {
		return r.super
	}
	return r.tenants[domain]
}

func tenantPrefix(t *Tenant) string {
	if t.Domain == config.SuperTenantDomain {
		return ""
	}
	return "/t/" + t.Domain
}

// APIs lists every API in config order (for handlers that precompute per
// API state at start).
func (r *Router) APIs() []*API { return r.apis }

// Tenant returns the tenant with the given domain ("" or carbon.super for
// the super tenant), or nil.
func (r *Router) Tenant(domain string) *Tenant {
	if tr := r.routesOf(domain); tr != nil {
		return tr.tenant
	}
	return nil
}

// Tenants lists the super tenant first, then the others by id.
func (r *Router) Tenants() []*Tenant {
	out := []*Tenant{r.super.tenant}
	for _, tr := range r.tenants {
		out = append(out, tr.tenant)
	}
	sort.SliceStable(out[1:], func(i, j int) bool { return out[1+i].ID < out[1+j].ID })
	return out
}
