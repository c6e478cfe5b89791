package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/seqgate/seqgate/deploy/config"
)

// ProbeQuery names the counters to read: an API of a tenant, the subject
// (a configured application's id or consumer key, else a tagged subject as
// the throttle keys it: "ip:<addr>", "user:<method>:<issuer>|<user>",
// "key:<method>:<issuer>|<consumer key>"), and optionally a resource by its
// uri_template.
type ProbeQuery struct {
	Tenant, API, Version, Subject, Resource string
}

// ProbeLevel is one counter as the probe reads it.
type ProbeLevel struct {
	Level     string `json:"level"` // subscription, application, api, resource; "-burst" for burst limits
	Key       string `json:"key"`   // without the store's prefix
	Tier      string `json:"tier"`
	Limit     int64  `json:"limit"`
	Count     int64  `json:"count"`
	Remaining int64  `json:"remaining"`
	ResetMS   int64  `json:"reset_ms"` // until the window ends; 0 when none is open
}

// ErrUnknownAPI: the probe's tenant, API and version name no API.
var ErrUnknownAPI = errors.New("no such API")

// Probe reads, without counting, every counter a request of q's subject
// to q's API (and resource) would be counted on. A subject that is a
// configured application's id or consumer key gets that application's
// subscription and application tiers; any other subject only what the
// config gives every caller (a token's tier claims cannot be known here).
func (t *Throttle) Probe(ctx context.Context, q ProbeQuery) ([]ProbeLevel, error) {
	if q.Tenant == "" {
		q.Tenant = config.SuperTenantDomain
	}
	al := t.byName[q.Tenant+"|"+q.API+"|"+q.Version]
	if al == nil {
		return nil, fmt.Errorf("throttle probe: tenant %s, api %s, version %s: %w", q.Tenant, q.API, q.Version, ErrUnknownAPI)
	}
	app := t.apps[q.Tenant+"|"+q.Subject]
	k := &keys{}
	subject := []byte(q.Subject)
	if app != nil {
		subject = []byte(AppSubject(app))
	}
	t.collect(k, al, app, &Principal{}, subject, nil)
	out, err := t.peekAll(ctx, k, []ProbeLevel{})
	for i := range al.cfg.Resources {
		r := &al.cfg.Resources[i]
		if rl, ok := al.res[r]; ok && err == nil && r.URITemplate == q.Resource {
			rk := &keys{}
			rk.add(levelResource, rl.tier, al.rest, rl.subject)
			out, err = t.peekAll(ctx, rk, out)
		}
	}
	return out, err
}

// peekAll appends the counters of k's limits to out.
func (t *Throttle) peekAll(ctx context.Context, k *keys, out []ProbeLevel) ([]ProbeLevel, error) {
	for i, l := range k.finish() {
		c, err := t.store.Peek(ctx, string(l.Key))
		if err != nil {
			return nil, fmt.Errorf("throttle probe: %w", err)
		}
		name := levelNames[k.refs[i].level]
		if k.refs[i].burst {
			name += "-burst"
		}
		out = append(out, ProbeLevel{Level: name, Key: string(l.Key), Tier: k.refs[i].tier.Name, Limit: l.Max,
			Count: c.Count, Remaining: max(l.Max-c.Count, 0), ResetMS: c.Reset.Milliseconds()})
	}
	return out, nil
}

// ProbeKey reads one counter by its raw key (without the store's prefix).
func (t *Throttle) ProbeKey(ctx context.Context, key string) (ProbeLevel, error) {
	c, err := t.store.Peek(ctx, key)
	if err != nil {
		return ProbeLevel{}, fmt.Errorf("throttle probe: %w", err)
	}
	return ProbeLevel{Key: key, Count: c.Count, ResetMS: c.Reset.Milliseconds()}, nil
}
