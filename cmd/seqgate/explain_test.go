package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestExplainCommand runs `seqgate explain` as main dispatches it: on the
// bundled samples (no -config), with -json, and with bad arguments. The
// output itself is pinned by the golden files of handlers/explain.
func TestExplainCommand(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		want []string // substrings of stdout, or of stderr when code != 0
	}{
		{"samples match", []string{"carbon.super", "GET", "/orders/1.0.0/7"}, 0, []string{
			"api       admin--Orders:v1.0.0",
			"chain     auth -> throttle -> usage -> extension (extension_handler_position bottom: config.yaml:11 extension_handler_position)",
			"1. WSO2AM--Ext--In <- repository/repository/deployment/server/synapse-configs/default/sequences/global_ext_in.xml",
			"2. admin--Orders:v1.0.0--In <- repository/repository/deployment/server/synapse-configs/default/sequences/orders_in.xml",
		}},
		{"samples tenant without prefix", []string{"acme.com", "GET", "/nothing"}, 0, []string{
			"request   GET /t/acme.com/nothing (tenant acme.com)", "no match  404: no API of the tenant serves this path"}},
		{"wrong arity", []string{"carbon.super", "GET"}, 2, []string{"usage: seqgate explain"}},
		{"unknown tenant", []string{"nope.com", "GET", "/x"}, 2, []string{`tenant "nope.com" is not declared`}},
		{"missing config", []string{"-config", "/nonexistent/config.yaml", "carbon.super", "GET", "/x"}, 1, []string{"/nonexistent/config.yaml"}},
	}
	for _, tc := range cases {
		var out, errb bytes.Buffer
		code := explainCmd(tc.args, &out, &errb)
		got := out.String()
		if tc.code != 0 {
			got = errb.String()
		}
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d\n%s%s", tc.name, code, tc.code, out.String(), errb.String())
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: output lacks %q:\n%s", tc.name, w, got)
			}
		}
	}
	var out bytes.Buffer
	if code := explainCmd([]string{"-json", "carbon.super", "POST", "/orders/1.0.0/x"}, &out, &out); code != 0 {
		t.Fatalf("-json: exit %d: %s", code, out.String())
	}
	var rep struct {
		API   struct{ Name string }
		Chain struct{ Handlers []string }
		Flows []struct{ Direction string }
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.API.Name != "admin--Orders:v1.0.0" || len(rep.Chain.Handlers) != 4 || len(rep.Flows) != 3 {
		t.Errorf("-json: %v %+v\n%s", err, rep, out.String())
	}
}
