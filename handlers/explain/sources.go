package explain

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/sequences"
)

// sources says where a setting came from: the config file's key and line,
// or the default when the file does not set it.
type sources struct {
	cfg  *config.Config
	name string     // the config file's base name
	root *yaml.Node // its top-level mapping; nil when unknown
}

func newSources(file string, cfg *config.Config) *sources {
	s := &sources{cfg: cfg, name: "config"}
	if file == "" {
		return s
	}
	s.name = filepath.Base(file)
	data, err := os.ReadFile(file)
	if err != nil {
		return s
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) == nil && len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
		s.root = doc.Content[0]
	}
	return s
}

// topKey is "<file>:<line> <key>" when the file sets key, else "default".
func (s *sources) topKey(key string) string {
	if s.root == nil {
		return "default"
	}
	for i := 0; i+1 < len(s.root.Content); i += 2 {
		if s.root.Content[i].Value == key {
			return fmt.Sprintf("%s:%d %s", s.name, s.root.Content[i].Line, key)
		}
	}
	return "default"
}

// named is a stand-in handler: Chain orders these exactly as it orders the
// real ones, so the order shown cannot drift from the order served.
type named string

func (n named) Name() string                         { return string(n) }
func (named) HandleRequest(*handlers.Exchange) bool  { return true }
func (named) HandleResponse(*handlers.Exchange) bool { return true }

// chain is the handler chain the gateway builds for cfg (every handler is
// always present; each passes requests it has nothing to do with), with
// cors first when api has CORS on (handlers.WithCORS).
func chain(cfg *config.Config, api *config.API, src *sources) *Chain {
	if api.File != nil {
		return fileChain(cfg, api)
	}
	hs := handlers.Chain(cfg.ExtensionHandlerPosition, named("auth"), named("throttle"), named("usage"), named("extension"))
	c := &Chain{Position: cfg.ExtensionHandlerPosition, From: src.topKey("extension_handler_position")}
	if cfg.EffectiveCORS(api).Enabled() { // handlers.WithCORS: first, before auth
		c.Handlers = append(c.Handlers, "cors")
	}
	for _, h := range hs {
		c.Handlers = append(c.Handlers, h.Name())
	}
	return c
}

// fileChain is the chain of an API-M api file's API: its <handlers> list
// mapped by handlers.FileChain (the gateway's own function), then the
// resource's sequences.
func fileChain(cfg *config.Config, api *config.API) *Chain {
	byRole := map[sequences.HandlerRole]handlers.Handler{sequences.RoleAuth: named("auth"),
		sequences.RoleThrottle: named("throttle"), sequences.RoleUsage: named("usage"), sequences.RoleExtension: named("extension")}
	if cfg.EffectiveCORS(api).Enabled() {
		byRole[sequences.RoleCORS] = named("cors")
	}
	c := &Chain{From: api.File.File + " <handlers>"}
	for _, h := range handlers.FileChain(api.File, byRole, named("resource")) {
		c.Handlers = append(c.Handlers, h.Name())
	}
	for _, h := range api.File.Handlers {
		c.Classes = append(c.Classes, HandlerClass{Class: h.Class, Role: string(h.Role), From: fmt.Sprintf("%s:%d", api.File.File, h.Line)})
	}
	return c
}

// levels are the throttle tiers the config sets for the API and resource,
// in the order the throttle handler checks them (handlers/throttle_levels.go).
func levels(cfg *config.Config, api *config.API, res *config.Resource) []Level {
	key := apiKey(cfg, api)
	sub := level(cfg, "subscription", api.Tier, key+".tier")
	if sub.Tier == "" {
		for i, t := range cfg.Tenants {
			if t.Domain == api.Tenant && t.DefaultTier != "" {
				sub = level(cfg, "subscription", t.DefaultTier, fmt.Sprintf("tenants[%d].default_tier", i))
			}
		}
	}
	const callerSub = "an application's subscriptions[].tier for this API, or the tier its token carries, wins"
	if sub.Tier == "" {
		sub.From = "none configured; depends on the caller: " + callerSub
	} else {
		sub.From += "; per caller: " + callerSub
	}
	app := Level{Level: "application", From: "depends on the caller: applications[].tier, else the tier its token carries"}
	return []Level{sub, app, level(cfg, "api", api.APITier, key+".api_tier"),
		level(cfg, "resource", res.Tier, resourceKey(cfg, api, res)+".tier")}
}

// level is one level with the named tier; an empty or Unlimited tier
// leaves the level off.
func level(cfg *config.Config, name, tier, key string) Level {
	l := Level{Level: name}
	if tier == "" || strings.EqualFold(tier, "Unlimited") {
		l.From = "none"
		if tier != "" {
			l.From = "Unlimited (" + key + ")"
		}
		return l
	}
	l.Tier, l.From = tier, key
	for _, t := range cfg.Tiers {
		if t.Name == tier {
			l.Limit = fmt.Sprintf("%d/%s", t.Requests, short(t.Unit.D()))
			if t.Burst != nil {
				l.Limit += fmt.Sprintf(", burst %d/%s", t.Burst.Requests, short(t.Burst.Unit.D()))
			}
		}
	}
	return l
}

// short writes 1m rather than 1m0s.
func short(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
