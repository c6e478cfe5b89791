package mediators

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// throttlePolicy is the compiled inline WS-Policy of a <throttle>.
type throttlePolicy struct {
	maxConcurrent int
	rules         []throttleRule // specific callers first, then "other"
}

type accessKind uint8

const (
	accessControl accessKind = iota
	accessAllow
	accessDeny
)

// throttleRule is one throttle:ID with its Control (or Allow/Deny).
type throttleRule struct {
	domain bool // DOMAIN (REMOTE_HOST) rather than IP (REMOTE_ADDR)
	other  bool // applies to every caller no earlier rule matched
	ips    netip.Prefix
	lo, hi netip.Addr // an IP range a-b (or one address)
	host   string     // a domain, or "*.suffix"
	access accessKind
	max    int
	unit   time.Duration
	// prohibit is ProhibitTimePeriod: how long a caller over its count is
	// refused; 0 means until the end of the window.
	prohibit time.Duration
}

func (r *throttleRule) matches(ip netip.Addr, host string) bool {
	switch {
	case r.other:
		return true
	case r.domain:
		if suffix, ok := strings.CutPrefix(r.host, "*"); ok {
			return strings.HasSuffix(host, suffix)
		}
		return strings.EqualFold(host, r.host)
	case !ip.IsValid():
		return false
	case r.ips.IsValid():
		return r.ips.Contains(ip)
	}
	return ip.Compare(r.lo) >= 0 && ip.Compare(r.hi) <= 0
}

// errEmptyID: a throttle:ID names no caller.
var errEmptyID = errors.New("empty throttle:ID; want an IP, a range a-b, a CIDR, a domain or other")

// policyWrappers are the WS-Policy and throttle elements that only group.
var policyWrappers = map[string]bool{"Policy": true, "All": true, "ExactlyOne": true,
	"ThrottleAssertion": true, "MediatorThrottleAssertion": true, "ModuleThrottleAssertion": true,
	"ServiceThrottleAssertion": true, "OperationThrottleAssertion": true}

// compilePolicy reads <policy> with an inline <wsp:Policy>, or key= a
// local entry or registry resource holding one (resolved at deploy time).
func compilePolicy(el *etree.Element, c *mediation.Compiler) (*throttlePolicy, error) {
	if key, ok := mediation.Attr(el, "key"); ok {
		if len(el.ChildElements()) > 0 {
			return nil, c.Errorf(el, "use either key= or an inline <wsp:Policy>, not both")
		}
		res, err := c.MustResource(el, "key", key)
		if err != nil {
			return nil, err
		}
		if res.XML == nil || res.XML.Tag != "Policy" {
			return nil, c.Errorf(el, "key=%q: the resource (%s) is not a <wsp:Policy>", key, res.File)
		}
		var p *throttlePolicy
		err = c.InResource(el, res, func() error {
			var err error
			p, err = compilePolicyBody(res.XML, c)
			return err
		})
		return p, err
	}
	if len(el.ChildElements()) != 1 || el.ChildElements()[0].Tag != "Policy" {
		return nil, c.Errorf(el, "want one inline <wsp:Policy>")
	}
	return compilePolicyBody(el, c)
}

// compilePolicyBody reads the policy under el (<policy> or <wsp:Policy>).
func compilePolicyBody(el *etree.Element, c *mediation.Compiler) (*throttlePolicy, error) {
	w := &policyWalk{c: c, p: &throttlePolicy{}}
	if err := w.walk(el); err != nil {
		return nil, err
	}
	p := w.p
	if w.bare != nil { // a rates-only policy applies to every caller
		r := throttleRule{other: true}
		if err := ruleLimits(w.bare, c, &r); err != nil {
			return nil, err
		}
		w.others = append(w.others, r)
	}
	p.rules = append(p.rules, w.others...)
	if p.maxConcurrent == 0 && len(p.rules) == 0 {
		return nil, c.Errorf(el, "the policy sets neither MaximumConcurrentAccess nor any throttle:ID or MaximumCount")
	}
	return p, nil
}

// policyWalk is the state of one compilePolicyBody: the policy being
// filled, the "other" rules (kept apart so they match last) and the group
// holding MaximumCount etc. outside any throttle:ID.
type policyWalk struct {
	c      *mediation.Compiler
	p      *throttlePolicy
	others []throttleRule
	bare   *etree.Element
}

// walk reads e's children, descending through the policy wrappers.
func (w *policyWalk) walk(e *etree.Element) error {
	for _, ch := range e.ChildElements() {
		switch {
		case ch.Tag == "MaximumConcurrentAccess":
			n, err := policyInt(ch, w.c, 1)
			if err != nil {
				return err
			}
			w.p.maxConcurrent = n
		case ch.Tag == "ID":
			r, err := compileRule(e, ch, w.c)
			if err != nil {
				return err
			}
			if r.other {
				w.others = append(w.others, r)
			} else {
				w.p.rules = append(w.p.rules, r)
			}
			return nil // the rest of e belongs to this rule
		case ch.Tag == "MaximumCount" || ch.Tag == "UnitTime" || ch.Tag == "ProhibitTimePeriod":
			w.bare = e
		case policyWrappers[ch.Tag]:
			if err := w.walk(ch); err != nil {
				return err
			}
		default:
			return w.c.Errorf(ch, "unknown throttle policy element")
		}
	}
	return nil
}

// compileRule reads throttle:ID and the limits in the rest of its group.
func compileRule(group, id *etree.Element, c *mediation.Compiler) (throttleRule, error) {
	r := throttleRule{}
	typ := "IP"
	for _, a := range id.Attr {
		if a.Key == "type" {
			typ = strings.ToUpper(strings.TrimSpace(a.Value))
		}
	}
	if typ != "IP" && typ != "DOMAIN" {
		return r, c.Errorf(id, "type %q: want IP or DOMAIN", typ)
	}
	r.domain = typ == "DOMAIN"
	if err := parseCallers(strings.TrimSpace(id.Text()), &r); err != nil {
		return r, c.Errorf(id, "%v", err)
	}
	return r, ruleLimits(group, c, &r)
}

func parseCallers(v string, r *throttleRule) error {
	switch {
	case v == "":
		return errEmptyID
	case strings.EqualFold(v, "other"):
		r.other = true
	case r.domain:
		r.host = v
	case strings.Contains(v, "/"):
		pfx, err := netip.ParsePrefix(v)
		if err != nil {
			return err
		}
		r.ips = pfx.Masked()
	default:
		lo, hi, isRange := strings.Cut(v, "-")
		var err error
		if r.lo, err = netip.ParseAddr(strings.TrimSpace(lo)); err != nil {
			return err
		}
		r.hi = r.lo
		if isRange {
			if r.hi, err = netip.ParseAddr(strings.TrimSpace(hi)); err != nil {
				return err
			}
		}
	}
	return nil
}

// ruleLimits finds MaximumCount, UnitTime, ProhibitTimePeriod and the
// access kind (Control, Allow, Deny, or IsAllow true/false) under group.
func ruleLimits(group *etree.Element, c *mediation.Compiler, r *throttleRule) error {
	l := limitScan{c: c, r: r}
	if err := l.scan(group); err != nil {
		return err
	}
	switch {
	case l.deny:
		r.access = accessDeny
	case l.counted:
		if r.unit == 0 {
			return c.Errorf(group, "throttle control without a UnitTime")
		}
	case l.allow:
		r.access = accessAllow
	default:
		return c.Errorf(group, "throttle:ID without MaximumCount, Allow or Deny")
	}
	return nil
}

// limitScan is what ruleLimits has found so far under a group.
type limitScan struct {
	c                    *mediation.Compiler
	r                    *throttleRule
	counted, allow, deny bool
}

// scan reads the limits and the access kind in e and its descendants; the
// first bad value stops it.
func (l *limitScan) scan(e *etree.Element) error {
	for _, ch := range e.ChildElements() {
		var n int
		var err error
		switch ch.Tag {
		case "MaximumCount":
			n, err = policyInt(ch, l.c, 0)
			l.r.max, l.counted = n, true
		case "UnitTime":
			n, err = policyInt(ch, l.c, 1)
			l.r.unit = time.Duration(n) * time.Millisecond
		case "ProhibitTimePeriod":
			if strings.TrimSpace(ch.Text()) != "" {
				n, err = policyInt(ch, l.c, 0)
				l.r.prohibit = time.Duration(n) * time.Millisecond
			}
		case "Allow":
			l.allow = true
		case "Deny":
			l.deny = true
		case "IsAllow", "IsAllowed":
			l.deny = strings.TrimSpace(ch.Text()) == "false"
		case "ID":
		default:
			err = l.scan(ch)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// policyInt reads el's text as an integer of at least least.
func policyInt(el *etree.Element, c *mediation.Compiler, least int) (int, error) {
	t := strings.TrimSpace(el.Text())
	n, err := strconv.Atoi(t)
	if err != nil || n < least {
		return 0, c.Errorf(el, "%q: want an integer of at least %d", t, least)
	}
	return n, nil
}
