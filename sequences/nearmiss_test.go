package sequences

import (
	"reflect"
	"testing"
)

func TestNameWarnings(t *testing.T) {
	apis := []string{"admin--Weather:v1.0.0", "admin--Orders:v2"}
	names := []string{
		"WSO2AM--Ext--In", "admin--Weather:v1.0.0--Out", "admin--Orders:v2--Fault", // expected
		"fault", "main", "my_helper", "log--and--continue", // not extension-like
		"admin--Weather:1.0.0--Out", // missing v
		"WSO2AM--Ext--in",           // letter case
		"admin--Billing:v1--In",     // no such API
	}
	got := NameWarnings(names, apis)
	want := []string{
		"sequence WSO2AM--Ext--in: near miss of WSO2AM--Ext--In; as named it never runs",
		"sequence admin--Billing:v1--In: named like an extension sequence but matches no declared API; it never runs",
		"sequence admin--Weather:1.0.0--Out: near miss of admin--Weather:v1.0.0--Out; as named it never runs",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if w := NameWarnings([]string{"WSO2AM--Ext--Out", "admin--Orders:v2--In"}, apis); w != nil {
		t.Errorf("expected names warned: %q", w)
	}
}

func TestMisnamedExtension(t *testing.T) {
	for n, want := range map[string]string{
		"admin--Weather:1.0.0--Out":  "admin--Weather:v1.0.0--Out",
		"admin--Weather:V1.0.0--Out": "admin--Weather:v1.0.0--Out",
		"admin--Weather:v1.0.0--in":  "admin--Weather:v1.0.0--In",
		"WSO2AM--Ext--out":           "WSO2AM--Ext--Out",
		"wso2am--ext--In":            "WSO2AM--Ext--In",
		"admin--Weather:v1.0.0--Out": "",
		"admin--Weather--Fault":      "",
		"my_sequence":                "",
	} {
		if got := MisnamedExtension(n); got != want {
			t.Errorf("MisnamedExtension(%q) = %q, want %q", n, got, want)
		}
	}
}
