package e2e

import (
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Keys the fixed applications carry (see gwConfig.yaml).
const (
	keyApp1 = "key-1"    // App1, super tenant
	keyApp2 = "key-2"    // App2, super tenant
	keyAcme = "key-acme" // AcmeApp, acme.com
)

// gwConfig is what varies between test gateways; everything else (tenants,
// tiers, applications) is fixed so that tests read the same world.
type gwConfig struct {
	Position string         // extension_handler_position; "" means bottom
	MaxBody  int            // limits.max_body_bytes; 0 means 4096
	APIs     []apiDef       // nil means just ordersAPI()
	CORS     map[string]any // the global cors section; nil: none
	Extra    map[string]any // further top-level sections, as is
	// Setup, when set, writes more of the home before the binary starts
	// (it gets the super tenant's and acme.com's sequences folders).
	Setup func(superSeqDir, acmeSeqDir string) `yaml:"-"`
	// Limits and Timeouts are more keys of those sections (a limit here
	// wins over MaxBody's max_body_bytes).
	Limits   map[string]int
	Timeouts map[string]string
}

// apiDef is one API of the config; Backend is a path on the test backend.
type apiDef struct {
	Provider  string         `yaml:"provider"`
	Name      string         `yaml:"name"`
	Version   string         `yaml:"version"`
	Context   string         `yaml:"context"`
	Tenant    string         `yaml:"tenant"`
	Auth      string         `yaml:"auth"`
	Tier      string         `yaml:"tier"`
	Backend   []string       `yaml:"backend"`
	Resources []resDef       `yaml:"resources"`
	CORS      map[string]any `yaml:"cors,omitempty"`
}

type resDef struct {
	Methods     []string `yaml:"methods"`
	URITemplate string   `yaml:"uri_template"`
	Auth        string   `yaml:"auth,omitempty"`
}

// api returns a super tenant API admin--<name>:v1.0.0 at /<context>/1.0.0
// with key auth, the big Gold tier and the default resources. Its backend
// base is <backend>/be/<lower name>.
func api(name, context string) apiDef {
	return apiDef{
		Provider: "admin", Name: name, Version: "1.0.0", Context: context,
		Tenant: "carbon.super", Auth: "apikey", Tier: "Gold",
		Resources: []resDef{
			{Methods: []string{"GET"}, URITemplate: "/{id}"},
			{Methods: []string{"POST"}, URITemplate: "/*"},
			{Methods: []string{"GET"}, URITemplate: "/public/*", Auth: "none"},
		},
	}
}

// ordersAPI is admin--Orders:v1.0.0 at /orders/1.0.0.
func ordersAPI() apiDef { return api("Orders", "/orders") }

// shopAPI is acme.com's admin@acme.com--Shop:v1.0.0 at /t/acme.com/shop/1.0.0.
func shopAPI() apiDef {
	a := api("Shop", "/shop")
	a.Provider, a.Tenant = "admin@acme.com", "acme.com"
	return a
}

// yaml renders the config file for the given listeners and backend URL.
func (c gwConfig) yaml(traffic, admin, backendURL string) string {
	pos := c.Position
	if pos == "" {
		pos = "bottom"
	}
	maxBody := c.MaxBody
	if maxBody == 0 {
		maxBody = 4096
	}
	apis := c.APIs
	if apis == nil {
		apis = []apiDef{ordersAPI()}
	}
	for i := range apis {
		apis[i].Backend = []string{backendURL + "/be/" + strings.ToLower(apis[i].Name)}
	}
	doc := map[string]any{
		"listen":                     map[string]string{"http": traffic, "admin": admin},
		"repository":                 "./home",
		"lifecycle":                  map[string]string{"drain_delay": "0s"}, // stop at once on SIGTERM
		"extension_handler_position": pos,
		"limits":                     map[string]int{"max_body_bytes": maxBody},
		"tenants":                    []map[string]any{{"id": 1, "domain": "acme.com"}},
		"tiers": []map[string]any{
			{"name": "Gold", "requests": 1000000, "unit": "1m"},
			{"name": "Tiny", "requests": 3, "unit": "1m"},
		},
		"applications": []map[string]any{
			{"name": "App1", "id": "1", "consumer_key": "ck1", "user": "alice", "tenant": "carbon.super", "keys": []string{keyApp1}},
			{"name": "App2", "id": "2", "consumer_key": "ck2", "user": "bob", "tenant": "carbon.super", "keys": []string{keyApp2}},
			{"name": "AcmeApp", "id": "3", "consumer_key": "ck3", "user": "carol", "tenant": "acme.com", "keys": []string{keyAcme}},
		},
		"apis": apis,
	}
	if c.CORS != nil {
		doc["cors"] = c.CORS
	}
	for k, v := range c.Limits {
		doc["limits"].(map[string]int)[k] = v
	}
	if c.Timeouts != nil {
		doc["timeouts"] = c.Timeouts
	}
	for k, v := range c.Extra {
		doc[k] = v
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		panic("e2e: marshal config: " + err.Error()) // static shapes: cannot fail
	}
	return string(out)
}
