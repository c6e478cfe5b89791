package apimimport

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Options steer an import.
type Options struct {
	// Tenant puts every API in this tenant (a domain), whatever the
	// project says; "" keeps the project's (its /t/<domain> context or
	// provider@domain), else the super tenant.
	Tenant string
	// TenantID is Tenant's id (its repository/tenants/<id> folder);
	// default 1. Tenants found in projects get the next free ids.
	TenantID int
	// Provider is the provider of APIs read from a plain OpenAPI file
	// (default "admin", as apictl init uses).
	Provider string
}

// Defaults written for oauth2 APIs: API-M's own key manager (the resident
// one on 9443). Each can be changed with the environment variable in the
// written value, or by editing the file.
const (
	issuerValue = "${SEQGATE_APIM_ISSUER:-https://localhost:9443/oauth2/token}"
	jwksValue   = "${SEQGATE_APIM_JWKS:-https://localhost:9443/oauth2/jwks}"
)

// apimTiers are API-M's default throttling policies (subscription: Gold,
// Silver, Bronze, Unauthenticated; advanced, for APIs and resources:
// 10KPerMin, 20KPerMin, 50KPerMin). A project names tiers but does not
// carry their limits (they live in the admin portal), so only these are
// defined; any other is reported.
var apimTiers = map[string]int{
	"Gold": 5000, "Silver": 2000, "Bronze": 1000, "Unauthenticated": 500,
	"10KPerMin": 10000, "20KPerMin": 20000, "50KPerMin": 50000,
}

// Import reads every input (project folder, project zip, OpenAPI/Swagger
// file) and returns the config, sequences and notes. An input that cannot
// be read at all is an error; anything less is a note.
func Import(inputs []string, opt Options) (*Result, error) {
	if opt.Provider == "" {
		opt.Provider = "admin"
	}
	if opt.TenantID == 0 {
		opt.TenantID = 1
	}
	im := &importer{opt: opt, res: &Result{}, tiers: map[string]bool{}, tenantIDs: map[string]int{}, issuers: map[string]bool{}, seen: map[string]string{}}
	im.res.Config.Repository = "." // the output folder is a WSO2 home: ./repository/deployment/...
	if opt.Tenant != "" {
		im.tenant(opt.Tenant)
	}
	for _, in := range inputs {
		if err := im.input(in); err != nil {
			return nil, err
		}
	}
	sort.Strings(im.tierOrder)
	for _, t := range im.tierOrder {
		im.res.Config.Tiers = append(im.res.Config.Tiers, Tier{Name: t, Requests: apimTiers[t], Unit: "1m"})
	}
	return im.res, nil
}

type importer struct {
	opt       Options
	res       *Result
	tiers     map[string]bool
	tierOrder []string
	tenantIDs map[string]int
	issuers   map[string]bool
	seen      map[string]string // "tenant synapse-name" and "tenant context/version" -> the file imported from
}

func (im *importer) note(file string, ln int, format string, a ...any) {
	im.res.Notes = append(im.res.Notes, Note{File: file, Line: ln, Msg: fmt.Sprintf(format, a...)})
}

// input dispatches one command-line argument.
func (im *importer) input(in string) error {
	st, err := os.Stat(in)
	if err != nil {
		return err
	}
	ext := strings.ToLower(filepath.Ext(in))
	if !st.IsDir() && ext != ".zip" {
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			return fmt.Errorf("%s: not a project folder, a .zip, or an OpenAPI .yaml/.yml/.json file", in)
		}
		data, err := readBounded(in)
		if err != nil {
			return err
		}
		doc, err := parseDoc(data, in)
		if err != nil {
			return err
		}
		if get(doc, "openapi") == nil && get(doc, "swagger") == nil {
			return fmt.Errorf("%s: neither an OpenAPI 3 (openapi:) nor a Swagger 2 (swagger:) document; for an API project give its folder or zip", in)
		}
		im.openAPIFile(doc, in)
		return nil
	}
	src, err := openSource(in)
	if err != nil {
		return err
	}
	roots := src.projectRoots()
	if len(roots) == 0 {
		return fmt.Errorf("%s: no API project in it (no api.yaml, api.json or Meta-information/api.yaml)", in)
	}
	for _, r := range roots {
		im.project(src, r)
	}
	return nil
}

func readBounded(p string) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%s: %d bytes, larger than %d", p, st.Size(), MaxFileBytes)
	}
	return os.ReadFile(p)
}

// tenant returns the id of domain, giving it one the first time.
func (im *importer) tenant(domain string) int {
	if id, ok := im.tenantIDs[domain]; ok {
		return id
	}
	id := im.opt.TenantID
	if domain != im.opt.Tenant {
		used := map[int]bool{}
		for _, v := range im.tenantIDs {
			used[v] = true
		}
		if im.opt.Tenant != "" {
			used[im.opt.TenantID] = true
		}
		for id = 1; used[id]; id++ {
		}
	}
	im.tenantIDs[domain] = id
	im.res.Config.Tenants = append(im.res.Config.Tenants, Tenant{ID: id, Domain: domain})
	return id
}

// useTier makes a tier name usable in the config: "" and Unlimited need no
// definition, API-M's defaults are defined, any other is reported and
// left out (the config would not load with an undefined tier).
func (im *importer) useTier(name, file string, n *yaml.Node, what string) string {
	if name == "" || strings.EqualFold(name, "Unlimited") {
		return ""
	}
	if _, ok := apimTiers[name]; !ok {
		im.note(file, line(n), "%s tier %q: its limits are not in the project (API-M keeps them in the admin portal): add it to tiers: and set it here", what, name)
		return ""
	}
	if !im.tiers[name] {
		im.tiers[name] = true
		im.tierOrder = append(im.tierOrder, name)
	}
	return name
}
