package deploy

import (
	"errors"
	"fmt"
	"path/filepath"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
)

// tenantIndex is the immutable list of tenants a Repository serves.
type tenantIndex struct {
	byDomain map[string]*tenant
	order    []*tenant // super tenant first, then config order
}

// tenants returns the current tenants, super tenant first. The slice is
// shared and never modified.
func (r *Repository) tenants() []*tenant { return r.index.Load().order }

// SetTenants makes the repository serve exactly the super tenant and ts, as
// a config reload requires. Tenants that stay (same domain and id) keep
// their deployed sequences and last good versions untouched; new ones are
// loaded before SetTenants returns, so a router that learns them afterwards
// never sees them empty; removed ones stop being watched, and their Set is
// no longer served. To swap a router without a gap, call it first with the
// old and new tenants together, swap, then with the new ones only.
func (r *Repository) SetTenants(ts []config.Tenant) error {
	r.setMu.Lock()
	defer r.setMu.Unlock()
	old := r.index.Load()
	idx, err := r.buildIndex(ts, old)
	if err != nil {
		return err
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return errors.New("deploy: repository closed")
	}
	started := r.started
	r.index.Store(idx)
	for _, t := range old.order {
		if idx.byDomain[t.domain] != t && t.timer != nil {
			t.timer.Stop()
		}
	}
	r.mu.Unlock()
	if !started {
		return nil
	}
	r.syncWatches()
	for _, t := range idx.order {
		if old.byDomain[t.domain] != t {
			r.log.Info("tenant added", zap.String("domain", t.domain), zap.Int("id", t.id))
			t.reload(true)
		}
	}
	r.syncRegistryWatches()
	for _, t := range old.order {
		if idx.byDomain[t.domain] != t {
			r.log.Info("tenant removed", zap.String("domain", t.domain), zap.Int("id", t.id))
		}
	}
	return nil
}

// buildIndex lays out the super tenant and ts, reusing old's tenant for a
// domain whose id is unchanged.
func (r *Repository) buildIndex(ts []config.Tenant, old *tenantIndex) (*tenantIndex, error) {
	idx := &tenantIndex{byDomain: map[string]*tenant{}}
	put := func(domain string, id int) {
		t := (*tenant)(nil)
		if old != nil {
			if o := old.byDomain[domain]; o != nil && o.id == id {
				t = o
			}
		}
		if t == nil {
			t = r.newTenant(domain, id)
		}
		idx.byDomain[domain] = t
		idx.order = append(idx.order, t)
	}
	put(config.SuperTenantDomain, config.SuperTenantID)
	for _, t := range ts {
		if err := idx.check(t); err != nil {
			return nil, err
		}
		put(t.Domain, t.ID)
	}
	return idx, nil
}

// check refuses a tenant that cannot have its own folder.
func (idx *tenantIndex) check(t config.Tenant) error {
	switch {
	case t.Domain == "":
		return fmt.Errorf("deploy: tenant %d: empty domain", t.ID)
	case t.ID <= 0:
		return fmt.Errorf("deploy: tenant %q: id %d must be a positive number (it names repository/tenants/<id>)", t.Domain, t.ID)
	case idx.byDomain[t.Domain] != nil:
		return fmt.Errorf("deploy: tenant %q listed twice", t.Domain)
	}
	for _, o := range idx.order {
		if o.id == t.ID {
			return fmt.Errorf("deploy: tenants %q and %q share id %d", o.domain, t.Domain, t.ID)
		}
	}
	return nil
}

func (r *Repository) newTenant(domain string, id int) *tenant {
	base := filepath.Join(r.root, "repository", "deployment", "server", "synapse-configs", "default")
	reg := filepath.Join(r.root, "registry") // the Micro Integrator's <MI_HOME>/registry
	if id != config.SuperTenantID {
		base = filepath.Join(r.tenantsDir, fmt.Sprint(id), "synapse-configs", "default")
		reg = filepath.Join(r.tenantsDir, fmt.Sprint(id), "registry")
	}
	t := newTenant(domain, id, base, r.log.With(zap.String("tenant", domain)))
	t.names = &r.names
	t.apisChanged = &r.apisChanged
	t.setResourceFolders(r.root, reg)
	t.lib.uses = r.usesFor(domain)
	return t
}
