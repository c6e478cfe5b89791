package explain

import (
	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/deploy/config"
	_ "github.com/seqgate/seqgate/mediation/mediators" // Load compiles sequences
)

// Load reads the config at path and compiles its repository once, with
// the custom sequence library uses the config names, as the gateway does
// on start. The caller closes the repository (it is not left watching:
// Load closes the watcher after the first load).
func Load(path string) (*config.Config, *deploy.Repository, error) {
	cfg, err := config.LoadLocated(path)
	if err != nil {
		return nil, nil, err
	}
	repo, err := deploy.New(deploy.Options{Root: cfg.Repository, Tenants: cfg.Tenants})
	if err != nil {
		return nil, nil, err
	}
	repo.SetLibraryUse(deploy.LibraryUses(cfg.APIs))
	if err := repo.Start(); err != nil {
		return nil, nil, err
	}
	// Start loaded every tenant; Close stops the watcher and keeps the Sets
	// and statuses readable.
	if err := repo.Close(); err != nil {
		return nil, nil, err
	}
	return cfg, repo, nil
}
