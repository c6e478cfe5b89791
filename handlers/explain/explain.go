// Package explain answers "what will the gateway do with this request?"
// without sending one: the API and resource the router picks, the auth and
// throttle settings that apply, the handler chain in order and, for each
// direction, the sequences that will run with the file each came from (or
// why none). It reads the same config, router and repository status the
// gateway serves from, so `seqgate explain` and the admin API agree with
// live traffic by construction.
package explain

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/route"
)

// Input is what Explain reads. Router is built from Config when nil.
// ConfigFile, when set, is read again to say which key set a value (and on
// which line); without it every value reads "config".
type Input struct {
	Config     *config.Config
	ConfigFile string
	Router     *route.Router
	Repo       *deploy.Repository
}

// Report is the explanation of one request; JSON for the admin API and
// `explain -json`, text through WriteText.
type Report struct {
	Tenant string `json:"tenant"`
	Method string `json:"method"`
	Path   string `json:"path"` // as routed, with /t/<domain> for a tenant
	// Status is 0 when an API and resource matched, else the router's
	// answer (400, 404, 405); Reason says it in words.
	Status   int           `json:"status"`
	Reason   string        `json:"reason,omitempty"`
	API      *APIInfo      `json:"api,omitempty"`
	Resource *ResourceInfo `json:"resource,omitempty"`
	Auth     []string      `json:"auth,omitempty"` // methods accepted; empty: none needed
	Scopes   []string      `json:"scopes,omitempty"`
	Throttle []Level       `json:"throttle,omitempty"`
	Chain    *Chain        `json:"chain,omitempty"`
	Flows    []Flow        `json:"flows,omitempty"` // in, out, fault; or the error sequence of a mismatch
}

// APIInfo is the matched API.
type APIInfo struct {
	Name    string `json:"name"` // Synapse name, provider--name:vversion
	Context string `json:"context"`
	Version string `json:"version"`
	Tenant  string `json:"tenant"`
	Prefix  string `json:"prefix"`
	From    string `json:"from"` // config key, apis[i]; an API-M api file: file:line
}

// ResourceInfo is the matched resource.
type ResourceInfo struct {
	Template string   `json:"uri_template"`
	Methods  []string `json:"methods"` // empty: every method
	From     string   `json:"from"`
}

// Level is one throttle level and the tier that applies at it.
type Level struct {
	Level string `json:"level"`          // subscription, application, api, resource
	Tier  string `json:"tier,omitempty"` // "" when the level does not apply
	Limit string `json:"limit,omitempty"`
	From  string `json:"from,omitempty"` // the config key, or why it depends on the caller
}

// Chain is the handler chain in the order requests and responses run it.
type Chain struct {
	Handlers []string `json:"handlers"`
	Position string   `json:"extension_handler_position,omitempty"`
	From     string   `json:"from"` // "config.yaml:12 extension_handler_position" or "default"; an api file: its <handlers>
	// Classes are an API-M api file's <handlers>, in order, each with what
	// seqgate runs for it (sequences.HandlerClasses).
	Classes []HandlerClass `json:"classes,omitempty"`
}

// HandlerClass is one <handler class> of an api file and its mapping.
type HandlerClass struct {
	Class string `json:"class"`
	Role  string `json:"role"` // cors, auth, throttle, usage, extension or no-op
	From  string `json:"from"` // file:line
}

// Explain routes method and path for tenant (a domain; "" or carbon.super
// for the super tenant) as the gateway does and reports what would run.
// path is what the client sends; for a tenant it may leave out the
// /t/<domain> prefix, which is then added. A path naming another tenant is
// an error.
func Explain(in Input, tenant, method, path string) (*Report, error) {
	if in.Config == nil || in.Repo == nil {
		return nil, fmt.Errorf("explain: config and repository are required")
	}
	if tenant == "" {
		tenant = config.SuperTenantDomain
	}
	full, err := tenantPath(tenant, path)
	if err != nil {
		return nil, err
	}
	// API-M api files serve next to the config's APIs (cmd/seqgate does the same)
	in.Config, _ = in.Config.WithFileAPIs(in.Repo.AllAPIs())
	router := in.Router
	if router == nil {
		if router, err = route.New(in.Config); err != nil {
			return nil, fmt.Errorf("explain: %w", err)
		}
	}
	if router.Tenant(tenant) == nil {
		return nil, fmt.Errorf("explain: tenant %q is not declared in tenants", tenant)
	}
	method = strings.ToUpper(method)
	rep := &Report{Tenant: tenant, Method: method, Path: full}
	var m route.Match
	rep.Status = router.Match([]byte(method), []byte(full), &m)
	src := newSources(in.ConfigFile, in.Config)
	st := tenantStatus(in.Repo, tenant)
	if m.API != nil {
		rep.API = apiInfo(in.Config, m.API)
	}
	if rep.Status != 0 {
		rep.Reason = reason(rep.Status, m.API != nil)
		rep.Flows = []Flow{mismatchFlow(in.Repo.Set(tenant), st, src, rep.Status, m.API != nil)}
		return rep, nil
	}
	res := m.Resource.Cfg
	rep.Resource = &ResourceInfo{Template: res.URITemplate, Methods: orEmpty(res.Methods), From: resourceKey(in.Config, m.API.Cfg, res)}
	rep.Auth = authNames(res.AuthMethods(m.API.Cfg))
	rep.Scopes = res.Scopes
	rep.Throttle = levels(in.Config, m.API.Cfg, res)
	rep.Chain = chain(in.Config, m.API.Cfg, src)
	rep.Flows = flows(in.Repo.Set(tenant), st, src, m.API, m.Resource)
	return rep, nil
}

// tenantPath adds /t/<domain> to a tenant's path that lacks it and refuses
// one that names another tenant.
func tenantPath(tenant, path string) (string, error) {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	named := ""
	if rest, ok := strings.CutPrefix(path, "/t/"); ok {
		named, _, _ = strings.Cut(rest, "/")
	}
	switch {
	case tenant == config.SuperTenantDomain && named != "":
		return "", fmt.Errorf("explain: path %s addresses tenant %s, not %s", path, named, tenant)
	case tenant == config.SuperTenantDomain:
		return path, nil
	case named == tenant:
		return path, nil
	case named != "":
		return "", fmt.Errorf("explain: path %s addresses tenant %s, not %s", path, named, tenant)
	}
	return "/t/" + tenant + path, nil
}

func reason(status int, apiMatched bool) string {
	switch {
	case status == route.StatusBadPath:
		return "400: the path has a dot segment (. or ..), or after the API context an empty segment (//) or a ';' parameter"
	case status == route.StatusMethodNotAllowed:
		return "405: a resource template fits the path but none allows the method"
	case apiMatched:
		return "404: the API matched but no resource template fits the path"
	}
	return "404: no API of the tenant serves this path"
}

func apiInfo(cfg *config.Config, a *route.API) *APIInfo {
	return &APIInfo{Name: a.Name, Context: a.Cfg.Context, Version: a.Cfg.Version, Tenant: a.Tenant.Domain,
		Prefix: a.Prefix, From: apiKey(cfg, a.Cfg)}
}

func apiKey(cfg *config.Config, a *config.API) string {
	if a.File != nil {
		return fmt.Sprintf("%s:%d", a.File.File, a.File.Line)
	}
	for i := range cfg.APIs {
		if &cfg.APIs[i] == a {
			return fmt.Sprintf("apis[%d]", i)
		}
	}
	return "apis"
}

func resourceKey(cfg *config.Config, a *config.API, r *config.Resource) string {
	if r.File != nil && a.File != nil {
		return fmt.Sprintf("%s:%d", a.File.File, r.File.Line)
	}
	for i := range a.Resources {
		if &a.Resources[i] == r {
			return fmt.Sprintf("%s.resources[%d]", apiKey(cfg, a), i)
		}
	}
	return apiKey(cfg, a) + ".resources"
}

func authNames(s config.AuthSet) []string {
	var out []string
	for _, m := range []struct {
		bit  config.AuthSet
		name string
	}{{config.AuthSetMTLS, config.AuthMTLS}, {config.AuthSetOAuth2, config.AuthOAuth2},
		{config.AuthSetAPIKey, config.AuthAPIKey}, {config.AuthSetBasic, config.AuthBasic}} {
		if s.Has(m.bit) {
			out = append(out, m.name)
		}
	}
	return out
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// rel shows a file relative to the config's folder, as the config's
// repository key is usually written, so output does not depend on where
// the repository was unpacked.
func rel(cfg *config.Config, path string) string {
	if path == "" || cfg.Dir == "" {
		return path
	}
	r, err := filepath.Rel(cfg.Dir, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(r)
}
