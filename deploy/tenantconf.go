package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/mediation"
)

// TenantConfKey is where API-M keeps a tenant's tenant-conf.json: the
// registry resource /_system/config/apimgt/applicationdata/tenant-conf.json,
// here registry/config/apimgt/applicationdata/tenant-conf.json of the
// tenant (the super tenant's under <home>/registry).
const TenantConfKey = "conf:/apimgt/applicationdata/tenant-conf.json"

// tenantConf is what the gateway uses of tenant-conf.json. The other keys
// API-M keeps there (RESTAPIScopes, DefaultRoles, EnableMonetization,
// IsUnlimitedTierPaid, Notifications, ...) configure its publisher,
// developer portal and key manager, not the gateway's traffic, and are
// ignored; AuthorizationHeader, which API-M's gateway reads, is not
// supported and is logged when set.
type tenantConf struct {
	ExtensionHandlerPosition *string `json:"ExtensionHandlerPosition"`
	AuthorizationHeader      string  `json:"AuthorizationHeader"`
}

// parseTenantConf returns the position tenant-conf.json sets ("top",
// "bottom", or "" when it names none). API-M compares it
// case-insensitively with "top"; any value other than top or bottom is
// refused here rather than silently read as bottom.
func parseTenantConf(text string) (pos, authzHeader string, err error) {
	var c tenantConf
	if err := json.Unmarshal([]byte(text), &c); err != nil {
		return "", "", fmt.Errorf("not valid JSON: %w", err)
	}
	if c.ExtensionHandlerPosition != nil {
		pos = strings.ToLower(strings.TrimSpace(*c.ExtensionHandlerPosition))
		if pos != config.PositionTop && pos != config.PositionBottom {
			return "", "", fmt.Errorf("ExtensionHandlerPosition %q is not top or bottom", *c.ExtensionHandlerPosition)
		}
	}
	return pos, c.AuthorizationHeader, nil
}

// applyTenantConf reads the tenant's tenant-conf.json from its freshly
// built resources (under t.mu). A refused file keeps the last good
// position, and its registry status says why.
func (t *tenant) applyTenantConf(set *resourceSet, st *TenantStatus) {
	res, err := set.Resolve(TenantConfKey)
	if errors.Is(err, mediation.ErrNoResource) {
		t.extPos.Store(new(string))
		t.confLogged = ""
		return
	}
	var pos, authz string
	if err == nil {
		pos, authz, err = parseTenantConf(res.Text)
	}
	if err != nil {
		prev := *t.extPos.Load()
		for i := range st.RegistryFiles {
			if f := &st.RegistryFiles[i]; f.File == TenantConfKey && f.Error == "" {
				f.State, f.Error, f.ServingLastGood = StateRefused, f.Path+": "+err.Error(), prev != ""
			}
		}
		if msg := err.Error(); msg != t.confLogged { // once per new problem, not on every rescan
			t.confLogged = msg
			t.log.Error("tenant-conf.json refused; keeping the last good ExtensionHandlerPosition",
				zap.String("tenant", t.domain), zap.Error(err), zap.String("serving", prev))
		}
		return
	}
	if msg := "authz:" + authz; authz != "" && msg != t.confLogged {
		t.log.Warn("tenant-conf.json: AuthorizationHeader is not supported; tokens are read from Authorization",
			zap.String("tenant", t.domain))
		t.confLogged = msg
	} else if authz == "" {
		t.confLogged = ""
	}
	if prev := *t.extPos.Load(); prev != pos {
		t.log.Info("tenant-conf.json: extension handler position", zap.String("tenant", t.domain), zap.String("position", pos))
	}
	t.extPos.Store(&pos)
}

// ExtensionHandlerPosition is the position the tenant's tenant-conf.json
// sets for its extension handler, "top" or "bottom"; "" when it has none
// (the config's extension_handler_position applies).
func (r *Repository) ExtensionHandlerPosition(domain string) string {
	if t := r.index.Load().byDomain[domain]; t != nil {
		return *t.extPos.Load()
	}
	return ""
}
