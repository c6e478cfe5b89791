package config

import (
	"strings"
	"testing"
)

func TestAPIMediationParsed(t *testing.T) {
	c, err := Parse([]byte(`
apis:
  - {provider: admin, name: Orders, version: "1.0", context: /orders, backend: ["http://127.0.0.1:1"],
     mediation: {in: add_header, out: strip_debug, fault: json_fault}}
  - {provider: admin, name: Plain, version: "1.0", context: /plain, backend: ["http://127.0.0.1:1"]}
`))
	if err != nil {
		t.Fatal(err)
	}
	want := APIMediation{In: "add_header", Out: "strip_debug", Fault: "json_fault"}
	if c.APIs[0].Mediation != want || !c.APIs[0].Mediation.Any() {
		t.Errorf("mediation = %+v, want %+v", c.APIs[0].Mediation, want)
	}
	if c.APIs[1].Mediation.Any() {
		t.Errorf("an API without mediation uses %q", c.APIs[1].Mediation)
	}
	if got := c.APIs[0].Mediation.String(); got != "in=add_header out=strip_debug fault=json_fault" {
		t.Errorf("String() = %q", got)
	}
}

func TestAPIMediationRefused(t *testing.T) {
	cases := []struct {
		name, mediation, want string
	}{
		{"slash", `{in: "in/add_header"}`, `apis[0] (admin--Orders:v1.0): mediation.in: "in/add_header" must be a sequence name, not a path`},
		{"backslash", `{out: 'a\b'}`, `apis[0] (admin--Orders:v1.0): mediation.out: "a\\b" must be a sequence name, not a path`},
		{"dot dot", `{fault: ".."}`, `apis[0] (admin--Orders:v1.0): mediation.fault: ".." is not a sequence name`},
		{"spaces", `{in: " add_header"}`, `mediation.in: " add_header" has leading or trailing spaces`},
		{"control", `{in: "a\tb"}`, `mediation.in: "a\tb" contains a control character`},
		{"unknown key", `{request: add_header}`, `field request not found`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(`
apis:
  - {provider: admin, name: Orders, version: "1.0", context: /orders, backend: ["http://127.0.0.1:1"],
     mediation: ` + tc.mediation + `}
`))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
