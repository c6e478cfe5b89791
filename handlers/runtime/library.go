package runtime

import (
	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/deploy/config"
)

// useLibrary tells the repository which custom sequence library sequences
// each API uses (apis[].mediation), so that it deploys their per-API
// copies. New calls it before the repository starts (the first load then
// includes them); apply calls it after the new tenants are in and before
// the new router is published, so an API's sequences are in place when its
// first request under the new config arrives. Tenants whose use did not
// change are not touched.
func (rt *Runtime) useLibrary(cfg *config.Config) {
	rt.repo.SetLibraryUse(deploy.LibraryUses(cfg.APIs))
}
