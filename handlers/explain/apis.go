package explain

import (
	"fmt"
	"net/url"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/route"
)

// APISummary is one API as GET /admin/apis lists it: where it is served,
// its resources with their auth and tiers, and the sequences that apply to
// it, each with what the repository made of it.
type APISummary struct {
	APIInfo
	Tier      string            `json:"tier,omitempty"`
	APITier   string            `json:"api_tier,omitempty"`
	Backend   []string          `json:"backend,omitempty"` // base URLs, round-robin
	Resources []ResourceSummary `json:"resources"`
	Flows     []Flow            `json:"flows"` // in, out, fault
}

// ResourceSummary is one resource of an API.
type ResourceSummary struct {
	ResourceInfo
	Auth   []string `json:"auth"` // empty: none needed
	Scopes []string `json:"scopes,omitempty"`
	Tier   string   `json:"tier,omitempty"`
}

// APIs summarises every API of the config, in config order.
func APIs(in Input) ([]APISummary, error) {
	in.Config, _ = in.Config.WithFileAPIs(in.Repo.AllAPIs()) // and the API-M api files
	router := in.Router
	if router == nil {
		var err error
		if router, err = route.New(in.Config); err != nil {
			return nil, fmt.Errorf("explain: %w", err)
		}
	}
	src := newSources(in.ConfigFile, in.Config)
	out := make([]APISummary, 0, len(router.APIs()))
	for _, a := range router.APIs() {
		domain := a.Tenant.Domain
		s := APISummary{APIInfo: *apiInfo(in.Config, a), Tier: a.Cfg.Tier, APITier: a.Cfg.APITier, Backend: backendURLs(a.Cfg.Backend),
			Flows: flows(in.Repo.Set(domain), tenantStatus(in.Repo, domain), src, a, nil)}
		for i := range a.Cfg.Resources {
			s.Resources = append(s.Resources, resource(in.Config, a.Cfg, &a.Cfg.Resources[i]))
		}
		out = append(out, s)
	}
	return out, nil
}

func resource(cfg *config.Config, api *config.API, r *config.Resource) ResourceSummary {
	auth := authNames(r.AuthMethods(api))
	if auth == nil {
		auth = []string{}
	}
	return ResourceSummary{ResourceInfo: ResourceInfo{Template: r.URITemplate, Methods: orEmpty(r.Methods), From: resourceKey(cfg, api, r)},
		Auth: auth, Scopes: r.Scopes, Tier: r.Tier}
}

// backendURLs are the API's backend base URLs without any user:password
// part: the admin API shows where traffic goes, not credentials.
func backendURLs(list []string) []string {
	out := make([]string, 0, len(list))
	for _, b := range list {
		if u, err := url.Parse(b); err == nil && u.User != nil {
			u.User = nil
			b = u.String()
		}
		out = append(out, b)
	}
	return out
}
