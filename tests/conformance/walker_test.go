package conformance

import (
	"reflect"
	"strings"
	"testing"
)

func TestMediators(t *testing.T) {
	const ns = `xmlns="http://ws.apache.org/ns/synapse"`
	tests := []struct {
		name    string
		xml     string
		want    map[string]int
		wantErr string
	}{
		{
			name: "log properties are not mediators",
			xml: `<sequence ` + ns + ` name="a"><log level="custom"><property name="x" value="1"/><property name="y" expression="$ctx:y"/></log>
				<property name="p" value="v"/></sequence>`,
			want: map[string]int{"log": 1, "property": 1},
		},
		{
			name: "filter then else",
			xml: `<sequence ` + ns + ` name="a"><filter source="$ctx:a" regex="b"><then><log/><drop/></then>
				<else><filter xpath="$ctx:c"><then><respond/></then></filter></else></filter></sequence>`,
			want: map[string]int{"filter": 2, "log": 1, "drop": 1, "respond": 1},
		},
		{
			name: "legacy filter with direct children",
			xml:  `<sequence ` + ns + ` name="a"><filter xpath="true()"><header name="To" action="remove"/><send/></filter></sequence>`,
			want: map[string]int{"filter": 1, "header": 1, "send": 1},
		},
		{
			name: "switch cases and default",
			xml: `<sequence ` + ns + ` name="a"><switch source="$ctx:x"><case regex="a"><log/></case>
				<case regex="b"><sequence key="other"/></case><default><loopback/></default></switch></sequence>`,
			want: map[string]int{"switch": 1, "log": 1, "sequence": 1, "loopback": 1},
		},
		{
			name: "payloadFactory format content is not walked",
			xml: `<sequence ` + ns + ` name="a"><payloadFactory media-type="xml"><format><send xmlns=""><log/></send></format>
				<args><arg expression="$ctx:x"/></args></payloadFactory></sequence>`,
			want: map[string]int{"payloadFactory": 1},
		},
		{
			name: "inline xml in property and header",
			xml: `<sequence ` + ns + ` name="a"><property name="om" type="OM"><drop/></property>
				<header name="m:h" xmlns:m="urn:m"><m:call/></header></sequence>`,
			want: map[string]int{"property": 1, "header": 1},
		},
		{
			name: "no namespace root",
			xml:  `<sequence name="a"><log level="full"/><drop/></sequence>`,
			want: map[string]int{"log": 1, "drop": 1},
		},
		{
			name: "foreign namespace element",
			xml:  `<sequence ` + ns + ` name="a" xmlns:x="urn:x"><x:custom/><log/></sequence>`,
			want: map[string]int{"{urn:x}custom": 1, "log": 1},
		},
		{
			name: "clone target inline sequence",
			xml: `<sequence ` + ns + ` name="a"><clone><target><sequence><log/><send><endpoint><address uri="http://x"/></endpoint></send></sequence></target>
				<target endpoint="ep"/></clone></sequence>`,
			want: map[string]int{"clone": 1, "log": 1, "send": 1},
		},
		{
			name: "legacy in and out",
			xml:  `<sequence ` + ns + ` name="main"><in><log/><send/></in><out><send/></out></sequence>`,
			want: map[string]int{"in": 1, "out": 1, "log": 1, "send": 2},
		},
		{
			name: "description skipped",
			xml:  `<sequence ` + ns + ` name="a"><description>text</description><drop/></sequence>`,
			want: map[string]int{"drop": 1},
		},
		{
			name: "class properties and enrich children are configuration",
			xml: `<sequence ` + ns + ` name="a"><class name="x.Y"><property name="a" value="b"/></class>
				<enrich><source type="body"/><target type="property" property="p"/></enrich></sequence>`,
			want: map[string]int{"class": 1, "enrich": 1},
		},
		{
			name: "validate on-fail holds mediators",
			xml:  `<sequence ` + ns + ` name="a"><validate><schema key="s"/><on-fail><makefault><code value="tns:Receiver" xmlns:tns="urn:t"/></makefault><respond/></on-fail></validate></sequence>`,
			want: map[string]int{"validate": 1, "makefault": 1, "respond": 1},
		},
		{
			name:    "root is not a sequence",
			xml:     `<api name="a"><resource/></api>`,
			wantErr: "root is <api>",
		},
		{
			name:    "malformed",
			xml:     `<sequence name="a"><log></sequence>`,
			wantErr: "parse:",
		},
		{
			name:    "empty",
			xml:     ``,
			wantErr: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Mediators([]byte(tt.xml))
			if tt.want == nil {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUnsupported(t *testing.T) {
	tests := []struct {
		name   string
		counts map[string]int
		want   []string
	}{
		{name: "all supported", counts: map[string]int{"log": 3, "payloadFactory": 1, "sequence": 2}},
		{name: "sorted outsiders", counts: map[string]int{"send": 1, "log": 1, "class": 2, "{urn:x}y": 1}, want: []string{"class", "send", "{urn:x}y"}},
		{name: "a structural name counted as a mediator is not supported", counts: map[string]int{"then": 1}, want: []string{"then"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Unsupported(tt.counts); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
