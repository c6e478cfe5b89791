package authn

import (
	"strconv"
	"strings"

	"github.com/seqgate/seqgate/deploy/config"
)

// claimPaths is a config.ClaimMap resolved: for each field the claims
// tried in order (a dotted name walks nested objects).
type claimPaths struct {
	user, consumerKey, appName, appID, tier, scopes []string
}

// newClaimPaths applies the documented defaults to m.
func newClaimPaths(m config.ClaimMap) claimPaths {
	pick := func(set string, def ...string) []string {
		if set != "" {
			return []string{set}
		}
		return def
	}
	return claimPaths{
		user:        pick(m.User, "sub", "username"),
		consumerKey: pick(m.ConsumerKey, "azp", "client_id"),
		appName:     pick(m.AppName, "application.name", "app_name"),
		appID:       pick(m.AppID, "application.id", "app_id"),
		tier:        pick(m.Tier, "tier"),
		scopes:      pick(m.Scopes, "scope", "scp"),
	}
}

// fill copies the mapped claims into id.
func (p *claimPaths) fill(id *Identity, claims map[string]any) {
	id.User = firstString(claims, p.user)
	id.ConsumerKey = firstString(claims, p.consumerKey)
	id.AppName = firstString(claims, p.appName)
	id.AppID = firstString(claims, p.appID)
	id.AppTier = firstString(claims, p.tier)
	for _, name := range p.scopes {
		if v, ok := lookup(claims, name); ok {
			id.setScopes(scopeList(v))
			return
		}
	}
}

// lookup finds a claim; "application.name" walks into the application
// object when no claim has the dotted name itself.
func lookup(claims map[string]any, name string) (any, bool) {
	if v, ok := claims[name]; ok {
		return v, true
	}
	head, rest, found := strings.Cut(name, ".")
	if !found {
		return nil, false
	}
	sub, ok := claims[head].(map[string]any)
	if !ok {
		return nil, false
	}
	return lookup(sub, rest)
}

func firstString(claims map[string]any, names []string) string {
	for _, n := range names {
		if v, ok := lookup(claims, n); ok {
			if s := asString(v); s != "" {
				return s
			}
		}
	}
	return ""
}

// asString renders a string or number claim (WSO2's application.id is a
// number); other shapes give "".
func asString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// scopeList reads "a b c" (OAuth2's scope) or ["a","b"] (scp).
func scopeList(v any) []string {
	switch x := v.(type) {
	case string:
		return strings.Fields(x)
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
