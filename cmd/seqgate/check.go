package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/runtime"
	"github.com/seqgate/seqgate/sequences"
)

// checkCmd is `seqgate check -config FILE`, the operator's pre-flight (as
// caddy validate, krakend check, kong check): it loads the config, then
// builds what run builds before it listens (runtime.New: repository, router,
// handler chain, backends, TLS certificates) and loads every tenant of the
// repository once. Every problem goes to stderr as file:line: reason;
// stdout gets a summary. Exit 0 when nothing is wrong, 1 when something
// is, 2 on a usage error. Nothing listens, nothing is watched, no bundle is
// installed.
func checkCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", stdout, stderr)
	cfgPath := fs.String("config", "", "config file (YAML) to check")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if *cfgPath == "" && fs.NArg() == 1 { // `seqgate check config.yaml` is meant the same way
		*cfgPath = fs.Arg(0)
	} else if *cfgPath == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "seqgate check: want -config FILE")
		fs.Usage()
		return 2
	}
	return checkConfig(*cfgPath, stdout, stderr)
}

// checkConfig runs the check on one config file (also `seqgate validate
// config.yaml`).
func checkConfig(path string, stdout, stderr io.Writer) int {
	cfg, err := config.LoadLocated(path)
	if err != nil {
		fmt.Fprintln(stderr, err)
		fmt.Fprintf(stdout, "%s: config refused\n", path)
		return 1
	}
	rt, err := runtime.New(cfg, zap.NewNop(), runtime.Options{})
	if err != nil {
		var ce *runtime.ConfigError
		if errors.As(err, &ce) {
			fmt.Fprintln(stderr, locateKey(path, ce))
		} else {
			fmt.Fprintf(stderr, "%s: %s\n", path, strings.TrimPrefix(err.Error(), path+": "))
		}
		fmt.Fprintf(stdout, "%s: config refused\n", path)
		return 1
	}
	defer rt.Close()
	repo := rt.Repo()
	repo.Reload()
	files, refused, errs := repoProblems(repo)
	for _, e := range errs {
		fmt.Fprintln(stderr, e)
	}
	warnings := nameWarnings(cfg, repo)
	for _, w := range warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	fmt.Fprintf(stdout, "%s: config ok, %d APIs, %d tenants; repository %s: %d files, %d valid, %d refused, %d warnings\n",
		path, len(cfg.APIs), len(repo.Status()), cfg.Repository, files, files-refused, refused, len(warnings))
	if len(errs) > 0 {
		return 1
	}
	return 0
}

// nameWarnings are the sequences of each tenant that are named like an
// extension sequence but that no API of the tenant will run
// (sequences.NameWarnings): "<tenant>: sequence <name>: near miss of ...".
// They deploy and show active, so they are warnings, not errors.
func nameWarnings(cfg *config.Config, repo *deploy.Repository) []string {
	cfg, _ = cfg.WithFileAPIs(repo.AllAPIs()) // an api file's API runs its <api>--In/Out too
	var out []string
	for _, ts := range repo.Status() {
		for _, w := range tenantNameWarnings(cfg, ts.Domain, repo.Set(ts.Domain).Names()) {
			out = append(out, ts.Domain+": "+w)
		}
	}
	return out
}

// tenantNameWarnings is sequences.NameWarnings for one tenant's deployed
// names against the APIs cfg declares for it; the repository also runs it
// on every hot deploy (deploy.NameCheck), with the running config.
func tenantNameWarnings(cfg *config.Config, domain string, names []string) []string {
	var apis []string
	for i := range cfg.APIs {
		if cfg.APIs[i].Tenant == domain {
			apis = append(apis, cfg.APIs[i].SynapseName())
		}
	}
	return sequences.NameWarnings(names, apis)
}
