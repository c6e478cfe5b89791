package seqtest

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	yaml "go.yaml.in/yaml/v3"

	"github.com/seqgate/seqgate/deploy/config"
)

// configNames are the files looked for, in the test file's folder and
// each folder above it, when the test file names none.
var configNames = []string{"seqgate.yaml", "config.yaml"}

// configPath is the config a test file runs on: the one it names, else
// the nearest found above it; "" when there is none.
func (f *File) configPath() (string, error) {
	dir := filepath.Dir(f.path)
	if f.Config != "" {
		p := f.Config
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		return filepath.Abs(p)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		for _, n := range configNames {
			p := filepath.Join(dir, n)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, nil
			}
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", nil
		}
		dir = up
	}
}

// loadConfig is the file's gateway config, with every API's backend
// pointed at the echo backend on addr.
func (f *File) loadConfig(path, addr string) (*config.Config, error) {
	var cfg *config.Config
	var err error
	if path != "" {
		cfg, err = config.LoadLocated(path)
	} else {
		cfg, err = f.minimalConfig()
	}
	if err != nil {
		return nil, err
	}
	return cfg, pointBackends(cfg, addr)
}

// minimalConfig is a config of one API (the file's api:), auth none, on
// the WSO2 home found above the test file.
func (f *File) minimalConfig() (*config.Config, error) {
	if f.API == nil {
		return nil, errors.New("no config: none named, no seqgate.yaml or config.yaml above the file, and no api: for a minimal one")
	}
	root, err := wso2Home(filepath.Dir(f.path))
	if err != nil {
		return nil, err
	}
	api := map[string]any{"provider": f.API.Provider, "name": f.API.Name, "version": f.API.Version,
		"context": f.API.Context, "auth": "none", "backend": []string{"http://127.0.0.1:1"},
		"resources": []map[string]any{{"methods": []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}, "uri_template": "/*"}}}
	doc := map[string]any{"repository": root, "apis": []any{api}}
	if f.API.Tenant != "" {
		api["tenant"] = f.API.Tenant
	}
	data, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("minimal config for api %s: %w", f.API.Name, err)
	}
	cfg.Dir = root
	return cfg, nil
}

// wso2Home is the nearest folder at or above dir that holds
// repository/deployment (the root a config's repository: names).
func wso2Home(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if st, err := os.Stat(filepath.Join(dir, "repository", "deployment")); err == nil && st.IsDir() {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("no config, and no WSO2 home (a folder holding repository/deployment) above the file")
		}
		dir = up
	}
}

// pointBackends rewrites every API backend URL to the echo backend,
// keeping its path and query: the backend then sees the path the API
// would send to the real one.
func pointBackends(cfg *config.Config, addr string) error {
	for i := range cfg.APIs {
		api := &cfg.APIs[i]
		for j, b := range api.Backend {
			u, err := url.Parse(b)
			if err != nil {
				return fmt.Errorf("api %s: backend %q: %w", api.Name, b, err)
			}
			u.Scheme, u.Host, u.User = "http", addr, nil
			api.Backend[j] = u.String()
		}
	}
	return nil
}
