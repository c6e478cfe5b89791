package mediators

import (
	"net/netip"
	"time"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// throttle is Synapse's <throttle> mediator (ThrottleMediator): an inline
// WS-Policy of a concurrency limit (MaximumConcurrentAccess) and per-caller
// rates (throttle:ID of type IP or DOMAIN with MaximumCount per UnitTime and
// an optional ProhibitTimePeriod, or Allow/Deny), then onAccept or onReject.
//
// Counters live in memory per tenant and id, so every sequence naming the
// same id shares them and a redeploy keeps them. The caller is the axis2
// property REMOTE_ADDR (IP rules) or REMOTE_HOST (DOMAIN rules); when the
// transport sets neither, all callers share the "other" counter. A
// concurrency slot taken on the request path is given back by a
// <throttle id="..."/> on the response path (Synapse sample 370), or after
// throttleLease if the response path never runs (backend error, respond).
//
// With no onReject a rejected request gets 429 with API-M's throttling
// error (Synapse would stop the flow and leave the client waiting).
type throttle struct {
	id       string
	policy   *throttlePolicy // nil: only releases a slot
	onAccept mediation.Mediator
	onReject mediation.Mediator
	leaseKey string // default-scope property holding this request's slot
}

func init() { mediation.Register("throttle", newThrottle) }

// Mediate implements mediation.Mediator.
func (t *throttle) Mediate(mc *mediation.MessageContext) (bool, error) {
	if t.policy == nil || mc.Dir == mediation.Out {
		t.release(mc)
		return true, nil
	}
	if mc.DryRun() {
		return t.peek(mc)
	}
	st := throttles.get(mc.TenantDomain, t.id)
	now := time.Now()
	lease, ok := uint64(0), true
	if t.policy.maxConcurrent > 0 {
		lease, ok = st.acquire(t.policy.maxConcurrent, now)
	}
	if ok && !t.allowCaller(mc, st, now, false) {
		if lease != 0 {
			st.release(lease)
		}
		ok = false
	}
	if !ok {
		return t.reject(mc)
	}
	if lease != 0 {
		mc.Props.Set(t.leaseKey, formatLease(lease))
	}
	if t.onAccept != nil {
		return t.onAccept.Mediate(mc)
	}
	return true, nil
}

// peek is Mediate for an admin dry-run: the decision a real request
// would get now (onAccept or onReject run as for it), with no slot taken
// and nothing counted, so real callers keep their whole quota.
func (t *throttle) peek(mc *mediation.MessageContext) (bool, error) {
	st := throttles.lookup(mc.TenantDomain, t.id)
	if st == nil { // nothing counted yet: a fresh state, never registered
		st = throttles.new()
	}
	now := time.Now()
	ok := t.policy.maxConcurrent <= 0 || st.free(t.policy.maxConcurrent, now)
	if ok && !t.allowCaller(mc, st, now, true) {
		ok = false
	}
	if !ok {
		return t.reject(mc)
	}
	if t.onAccept != nil {
		return t.onAccept.Mediate(mc)
	}
	return true, nil
}

// allowCaller applies the first rule matching the caller; peek only looks
// at the caller's window (a dry-run), it does not count.
func (t *throttle) allowCaller(mc *mediation.MessageContext, st *throttleState, now time.Time, peek bool) bool {
	if len(t.policy.rules) == 0 {
		return true
	}
	ipStr, _ := mc.Property(mediation.ScopeAxis2, "REMOTE_ADDR")
	host, _ := mc.Property(mediation.ScopeAxis2, "REMOTE_HOST")
	ip, _ := netip.ParseAddr(ipStr)
	for i := range t.policy.rules {
		r := &t.policy.rules[i]
		caller := ipStr
		if r.domain {
			caller = host
		}
		if !r.matches(ip, host) {
			continue
		}
		switch r.access {
		case accessAllow:
			return true
		case accessDeny:
			return false
		}
		if peek {
			return st.wouldAllow(i, caller, r, now)
		}
		return st.allow(i, caller, r, now)
	}
	return true // no rule for this caller: Synapse lets it through
}

func (t *throttle) reject(mc *mediation.MessageContext) (bool, error) {
	if t.onReject != nil {
		return t.onReject.Mediate(mc)
	}
	mc.SetProperty(mediation.ScopeAxis2, "HTTP_SC", "429")
	mc.SetContentType("application/json")
	mc.SetBody([]byte(`{"code":"900800","message":"Message throttled out","description":"You have exceeded your quota"}`))
	mc.Outcome = mediation.Respond
	return false, nil
}

// release gives back the slot this request took, if any.
func (t *throttle) release(mc *mediation.MessageContext) {
	v, ok := mc.Props.Get(t.leaseKey)
	if !ok {
		return
	}
	mc.Props.Del(t.leaseKey)
	if st := throttles.lookup(mc.TenantDomain, t.id); st != nil {
		st.release(parseLease(v))
	}
}

func newThrottle(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	id, _ := mediation.Attr(el, "id")
	if id == "" {
		return nil, c.Errorf(el, "id attribute is required")
	}
	t := &throttle{id: id, leaseKey: "seqgate.throttle." + id}
	var err error
	if p := synapseChild(el, "policy"); p != nil {
		if t.policy, err = compilePolicy(p, c); err != nil {
			return nil, err
		}
	}
	if t.onAccept, err = throttleBranch(el, c, "onAccept"); err != nil {
		return nil, err
	}
	if t.onReject, err = throttleBranch(el, c, "onReject"); err != nil {
		return nil, err
	}
	if t.policy == nil && (t.onAccept != nil || t.onReject != nil) {
		return nil, c.Errorf(el, "onAccept/onReject need a <policy>; a bare <throttle id> only releases a slot on the response path")
	}
	for _, ch := range el.ChildElements() {
		if ch.Tag != "policy" && ch.Tag != "onAccept" && ch.Tag != "onReject" && ch.Tag != "description" {
			return nil, c.Errorf(ch, "unknown child of <throttle>")
		}
	}
	return t, nil
}

// throttleBranch compiles onAccept/onReject given as an attribute (a
// sequence key) or as an inline child; both at once is an error.
func throttleBranch(el *etree.Element, c *mediation.Compiler, name string) (mediation.Mediator, error) {
	key, hasKey := mediation.Attr(el, name)
	child := synapseChild(el, name)
	switch {
	case hasKey && child != nil:
		return nil, c.Errorf(el, "%s is given both as an attribute and as an element", name)
	case hasKey:
		if key == "" {
			return nil, c.Errorf(el, "%s attribute is empty", name)
		}
		c.AddRef(key)
		return staticRef(key), nil
	case child != nil:
		return compileBranch(child, c)
	}
	return nil, nil
}
