package config

import (
	"fmt"
	"strings"
	"unicode"
)

// APIMediation names the sequences of the tenant's custom sequence library
// (WSO2's customsequences/in, out and fault folders) that an API uses, as an
// API-M publisher attaches mediation policies to an API. The gateway
// deploys each under the API's per-API name: <api>--In, <api>--Out,
// <api>--Fault. An empty name uses nothing for that flow.
type APIMediation struct {
	In    string `yaml:"in"`
	Out   string `yaml:"out"`
	Fault string `yaml:"fault"`
}

// Any reports whether the API names a library sequence at all.
func (m APIMediation) Any() bool { return m.In != "" || m.Out != "" || m.Fault != "" }

// validateMediation checks every API's library names. A name is the
// library sequence's name attribute, never a path: the folder is fixed by
// the flow, so a separator could only be a mistake or an attempt to leave it.
func (c *Config) validateMediation(p *problems) {
	for i := range c.APIs {
		a := &c.APIs[i]
		for _, f := range []struct{ key, v string }{
			{"in", a.Mediation.In}, {"out", a.Mediation.Out}, {"fault", a.Mediation.Fault},
		} {
			if msg := badLibraryName(f.v); msg != "" {
				p.add("apis[%d] (%s): mediation.%s: %q %s", i, a.SynapseName(), f.key, f.v, msg)
			}
		}
	}
}

// badLibraryName says what is wrong with a library sequence name, or "".
func badLibraryName(n string) string {
	switch {
	case n == "":
		return ""
	case strings.ContainsAny(n, `/\`):
		return "must be a sequence name, not a path (no / or \\)"
	case n == "." || n == "..":
		return "is not a sequence name"
	case strings.TrimSpace(n) != n:
		return "has leading or trailing spaces"
	case strings.IndexFunc(n, unicode.IsControl) >= 0:
		return "contains a control character"
	}
	return ""
}

// String is the mediation as the logs show it, e.g. "in=add_header fault=json_fault".
func (m APIMediation) String() string {
	var parts []string
	for _, f := range []struct{ key, v string }{{"in", m.In}, {"out", m.Out}, {"fault", m.Fault}} {
		if f.v != "" {
			parts = append(parts, fmt.Sprintf("%s=%s", f.key, f.v))
		}
	}
	return strings.Join(parts, " ")
}
