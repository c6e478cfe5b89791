package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/deploy/config"
)

// isHome reports whether dir is a WSO2 home (it holds the super tenant's
// synapse-configs): validate then checks it the way the gateway deploys
// it, with keys resolved against each tenant's local entries and registry.
func isHome(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "repository", "deployment", "server", "synapse-configs", "default"))
	return err == nil && st.IsDir()
}

// validateHome loads every tenant of the home once, through the deploy
// package (no watching), and reports each refused sequence, endpoint,
// library, local entry, registry and api file with its file:line reason;
// also an api file whose context another one of its tenant already serves
// (the YAML config's APIs are not known here: `seqgate check` with the
// config sees those clashes). The
// tenants are the numeric folders of repository/tenants; their domains are
// unknown here (the config names them) and shown as tenant-<id>.
func validateHome(home string) int {
	var tenants []config.Tenant
	entries, _ := os.ReadDir(filepath.Join(home, "repository", "tenants"))
	for _, e := range entries {
		if id, err := strconv.Atoi(e.Name()); err == nil && id > 0 && e.IsDir() {
			tenants = append(tenants, config.Tenant{ID: id, Domain: "tenant-" + e.Name()})
		}
	}
	repo, err := deploy.New(deploy.Options{Root: home, Tenants: tenants})
	if err != nil {
		fmt.Fprintln(os.Stderr, "seqgate validate:", err)
		return 2
	}
	defer repo.Close()
	repo.Reload()
	files, refused, errs := repoProblems(repo)
	errs = append(errs, apiClashes(repo, tenants)...)
	sort.Strings(errs)
	for _, e := range errs {
		fmt.Fprintln(os.Stderr, e)
	}
	fmt.Printf("%d files, %d valid, %d refused\n", files, files-refused, refused)
	if len(errs) > 0 {
		return 1
	}
	return 0
}

// repoProblems counts the files a loaded repository holds and returns
// each tenant error and refused file's file:line reason, sorted.
func repoProblems(repo *deploy.Repository) (files, refused int, errs []string) {
	for _, ts := range repo.Status() {
		if ts.Error != "" {
			errs = append(errs, ts.Domain+": "+ts.Error)
		}
		for _, group := range [][]deploy.FileStatus{ts.Files, ts.EndpointFiles, ts.Library.Files, ts.LocalEntryFiles, ts.RegistryFiles, ts.APIFiles} {
			for _, f := range group {
				files++
				if f.State == deploy.StateRefused {
					refused++
					errs = append(errs, f.Error)
				}
			}
		}
	}
	sort.Strings(errs)
	return files, refused, errs
}

// apiClashes reports the deployed api files the gateway would still refuse:
// a context served twice in a tenant, a default-version API without its
// versioned one.
func apiClashes(repo *deploy.Repository, tenants []config.Tenant) []string {
	_, refused := (&config.Config{Tenants: tenants}).WithFileAPIs(repo.AllAPIs())
	out := make([]string, 0, len(refused))
	for _, r := range refused {
		out = append(out, r.Error())
	}
	return out
}
