package deploy

import (
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/sequences"
)

// NameCheck finds the silent traps among the names a tenant deploys: a
// sequence named like a global or per-API extension sequence that no API
// runs (cmd/seqgate passes sequences.NameWarnings over the running
// config's APIs; deploy knows no APIs). One message per suspicious name.
type NameCheck func(domain string, names []string) []string

// nameWatch runs the NameCheck after each deploy of a tenant and logs
// the warnings that are new since that tenant's last deploy, so a
// misnamed sequence dropped in at run time is reported when it deploys,
// as `seqgate check` and the start log report it, and only once.
type nameWatch struct {
	fn   atomic.Pointer[NameCheck]
	mu   sync.Mutex
	seen map[string]map[string]bool // by domain: the warnings of its last deploy
}

// SetNameCheck installs fn; the warnings of what is deployed now are taken
// as already reported (the caller logs them at start), and from then on
// each deploy logs the new ones as "sequence never runs".
func (r *Repository) SetNameCheck(fn NameCheck) {
	w := &r.names
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seen = map[string]map[string]bool{}
	for _, t := range r.tenants() {
		w.seen[t.domain] = toSet(fn(t.domain, t.set.Load().Names()))
	}
	w.fn.Store(&fn)
}

// deployed checks the set a tenant has just published.
func (w *nameWatch) deployed(t *tenant, set *sequences.Set) {
	fn := w.fn.Load()
	if fn == nil {
		return
	}
	warnings := (*fn)(t.domain, set.Names())
	w.mu.Lock()
	defer w.mu.Unlock()
	seen := w.seen[t.domain]
	for _, msg := range warnings {
		if !seen[msg] {
			t.log.Warn("sequence never runs", zap.String("reason", msg))
		}
	}
	w.seen[t.domain] = toSet(warnings)
}

func toSet(list []string) map[string]bool {
	out := make(map[string]bool, len(list))
	for _, s := range list {
		out[s] = true
	}
	return out
}
