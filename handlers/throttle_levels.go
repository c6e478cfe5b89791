package handlers

import (
	"net/netip"
	"strings"
	"time"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/ratelimit"
)

// The levels a request is throttled at, in the order they are checked.
// Each applies when it has a tier other than Unlimited; a tier with burst
// adds a second, short-window limit on the same level.
//
//   - subscription (application x API): the app's subscriptions[] tier for
//     this API, else the tier the credential carries (Principal.SubTier),
//     else apis[].tier, else tenants[].default_tier; counted per subject.
//   - application: applications[].tier, else Principal.AppTier; counted
//     per subject across every API of the tenant.
//   - api: apis[].api_tier; one counter for every caller of the API.
//   - resource: resources[].tier; one counter for every caller of it.
//
// The subject is tagged with its kind, so that one kind of caller cannot
// name itself into another's counters (a token with sub "app-b" is not
// application app-b): "app:<id>" for a configured application (ids are
// unique within a tenant), else "key:<method>:<issuer>|<consumer key>" or
// "user:<method>:<issuer>|<user>" for what a credential says, qualified by
// who vouches for it (a token's or signed key's iss; "" for basic users and
// certificates), else "ip:<client address>".
const (
	levelSubscription = iota
	levelApplication
	levelAPI
	levelResource
	levelCount
)

var (
	levelNames = [levelCount]string{"subscription", "application", "api", "resource"}
	levelTags  = [levelCount]string{"sub", "app", "api", "res"}
	// throttledReasons are API-M's THROTTLED_OUT_REASON values.
	throttledReasons = [levelCount]string{"SUBSCRIPTION_LIMIT_EXCEEDED", "APPLICATION_LIMIT_EXCEEDED",
		"API_LIMIT_EXCEEDED", "RESOURCE_LIMIT_EXCEEDED"}
)

// maxLimits: every level with its burst limit.
const maxLimits = 2 * levelCount

// apiLevels is what the request path needs about one API, built at start.
type apiLevels struct {
	cfg *config.API
	// rest is "<tenant>|<api>|<version>|", tenantRest "<tenant>|": the
	// config-only parts of the keys (see keys.add).
	rest, tenantRest string
	defaultSub       *config.Tier                 // apis[].tier, else the tenant's default_tier
	subs             map[*config.App]*config.Tier // subscription tiers (nil: Unlimited)
	apiTier          *config.Tier
	res              map[*config.Resource]resLevel
}

type resLevel struct {
	tier    *config.Tier
	subject []byte // "<METHODS> <uri_template>"
}

// levelRef says which level and tier a limit of a Take stands for.
type levelRef struct {
	level int
	burst bool
	tier  *config.Tier
}

// keys is the per-request scratch the limits are built in; pooled, so a
// request builds its keys without allocating.
type keys struct {
	buf     []byte
	subject []byte
	limits  [maxLimits]ratelimit.Limit
	refs    [maxLimits]levelRef
	ends    [maxLimits]int
	n       int
}

func (k *keys) reset() {
	k.buf, k.subject, k.n = k.buf[:0], k.subject[:0], 0
}

// setSubject is the request's subject (see the level comment above).
func (k *keys) setSubject(app *config.App, p *Principal, ip netip.Addr) []byte {
	switch {
	case app != nil:
		k.subject = append(append(k.subject, subjectApp...), app.ID...)
	case p.ConsumerKey != "":
		k.subject = append(appendSource(append(k.subject, subjectKey...), p), p.ConsumerKey...)
	case p.User != "":
		k.subject = append(appendSource(append(k.subject, subjectUser...), p), p.User...)
	default:
		k.subject = ip.AppendTo(append(k.subject, subjectIP...))
	}
	return k.subject
}

// Subject kinds (see the level comment above).
const (
	subjectApp  = "app:"
	subjectKey  = "key:"
	subjectUser = "user:"
	subjectIP   = "ip:"
)

// appendSource appends "<method>:<issuer>|": who vouched for the subject.
func appendSource(b []byte, p *Principal) []byte {
	return append(append(append(append(b, p.Method...), ':'), p.Issuer...), '|')
}

// AppSubject is the throttle subject of a configured application.
func AppSubject(app *config.App) string { return subjectApp + app.ID }

// add appends tier's limit on level, and its burst limit, with the keys
// "<tag>|<rest><tier>[|<subject>]" (the burst tag is "<tag>-burst"). Keys
// hold only tenant, API, version, tier and subject.
func (k *keys) add(level int, tier *config.Tier, rest string, subject []byte) {
	k.push(level, false, tier, rest, subject, int64(tier.Requests), tier.Unit.D())
	if b := tier.Burst; b != nil {
		k.push(level, true, tier, rest, subject, int64(b.Requests), b.Unit.D())
	}
}

func (k *keys) push(level int, burst bool, tier *config.Tier, rest string, subject []byte, maxN int64, window time.Duration) {
	k.buf = append(k.buf, levelTags[level]...)
	if burst {
		k.buf = append(k.buf, "-burst"...)
	}
	k.buf = append(append(append(k.buf, '|'), rest...), tier.Name...)
	if subject != nil {
		k.buf = append(append(k.buf, '|'), subject...)
	}
	k.limits[k.n] = ratelimit.Limit{Max: maxN, Window: window}
	k.refs[k.n] = levelRef{level: level, burst: burst, tier: tier}
	k.ends[k.n] = len(k.buf)
	k.n++
}

// finish points each limit's key into buf, once buf no longer grows.
func (k *keys) finish() []ratelimit.Limit {
	start := 0
	for i := range k.n {
		k.limits[i].Key = k.buf[start:k.ends[i]]
		start = k.ends[i]
	}
	return k.limits[:k.n]
}

// collect adds every level that applies to a request of al.
func (t *Throttle) collect(k *keys, al *apiLevels, app *config.App, p *Principal, subject []byte, res *config.Resource) {
	if tier := t.subTier(al, app, p); tier != nil {
		k.add(levelSubscription, tier, al.rest, subject)
	}
	if tier := t.appTier(app, p); tier != nil {
		k.add(levelApplication, tier, al.tenantRest, subject)
	}
	if al.apiTier != nil {
		k.add(levelAPI, al.apiTier, al.rest, nil)
	}
	if rl, ok := al.res[res]; ok && res != nil {
		k.add(levelResource, rl.tier, al.rest, rl.subject)
	}
}

// subTier: the app's subscription tier, else the credential's, else the
// API's default. An Unlimited found on the way ends the search.
func (t *Throttle) subTier(al *apiLevels, app *config.App, p *Principal) *config.Tier {
	if tier, ok := al.subs[app]; ok && app != nil {
		return tier
	}
	if tier, ok := t.tier(p.SubTier); ok {
		return tier
	}
	return al.defaultSub
}

// appTier: the configured app's tier, else the credential's.
func (t *Throttle) appTier(app *config.App, p *Principal) *config.Tier {
	if app != nil && app.Tier != "" {
		tier, _ := t.tier(app.Tier)
		return tier
	}
	tier, _ := t.tier(p.AppTier)
	return tier
}

// tier looks a tier name up: ok is false for "" and for names that are
// not declared (a credential may carry any name: it then does not count),
// true with a nil tier for Unlimited.
func (t *Throttle) tier(name string) (*config.Tier, bool) {
	if name == "" {
		return nil, false
	}
	if name == config.TierUnlimited {
		return nil, true
	}
	tier, ok := t.tiers[name]
	return tier, ok
}

// newAPILevels precomputes one API's levels.
func (t *Throttle) newAPILevels(cfg *config.Config, a *config.API, defaults map[string]*config.Tier) *apiLevels {
	al := &apiLevels{cfg: a,
		rest: a.Tenant + "|" + a.Name + "|" + a.Version + "|", tenantRest: a.Tenant + "|",
		subs: map[*config.App]*config.Tier{}, res: map[*config.Resource]resLevel{},
	}
	if tier, ok := t.tier(a.Tier); ok {
		al.defaultSub = tier
	} else {
		al.defaultSub = defaults[a.Tenant]
	}
	al.apiTier, _ = t.tier(a.APITier)
	for i := range a.Resources {
		r := &a.Resources[i]
		if tier, _ := t.tier(r.Tier); tier != nil {
			methods := strings.Join(r.Methods, ",")
			if methods == "" {
				methods = "*"
			}
			al.res[r] = resLevel{tier: tier, subject: []byte(methods + " " + r.URITemplate)}
		}
	}
	t.addSubscriptions(cfg, a, al)
	return al
}

// addSubscriptions records, for each app of a's tenant subscribed to a
// with a tier, that tier; an entry naming a's version wins over one for
// every version.
func (t *Throttle) addSubscriptions(cfg *config.Config, a *config.API, al *apiLevels) {
	for i := range cfg.Applications {
		app := &cfg.Applications[i]
		if app.Tenant != a.Tenant {
			continue
		}
		versioned := false
		for _, s := range app.Subscriptions {
			if !s.Covers(a) || s.Tier == "" {
				continue
			}
			if s.Version == "" && versioned {
				continue
			}
			al.subs[app], _ = t.tier(s.Tier)
			versioned = s.Version != ""
		}
	}
}
