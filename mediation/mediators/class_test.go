package mediators

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

func TestEnvironmentResolver(t *testing.T) {
	tests := []struct {
		name       string
		host, port string
		want       string
	}{
		{"both set", "backend.local", "9443", `ctx:uri.var.host = "backend.local"` + "\n" + `ctx:uri.var.port = "9443"`},
		{"none set", "", "", "--- message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.host != "" {
				t.Setenv("environment.host", tt.host)
				t.Setenv("environment.port", tt.port)
			}
			got := run(t, `<class name="org.wso2.carbon.env.EnvironmentResolver"/>`, "GET / HTTP/1.1\nHost: h\n", "", nil)
			if !strings.Contains(got, tt.want) || (tt.host == "" && strings.Contains(got, "uri.var")) {
				t.Errorf("transcript:\n%s\nwant it to contain %q", got, tt.want)
			}
		})
	}
}

func TestProtectorRegex(t *testing.T) {
	tests := []struct {
		name, pattern, input string
		want                 bool
	}{
		{"case-insensitive search", "drop table", "x DROP TABLE y", true},
		{"no match", "drop table", "drop the table", false},
		{"look-ahead falls back to regexp2", `^(?!.*safe).*danger`, "danger here", true},
		{"look-ahead excluded", `^(?!.*safe).*danger`, "safe danger", false},
		// Catastrophic backtracking runs past mediation.RegexTimeout: the
		// protector fails closed (a padded threat must not pass as clean).
		{"timeout counts as a threat", `(?<!\w)(select|drop)(?!\w)|(\w+\s?)+;`, strings.Repeat("a", 2000) + " id=1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re, err := protectorRegex(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got := re.find(tt.input); got != tt.want {
				t.Errorf("find(%q) = %v, want %v", tt.input, got, tt.want)
			}
		})
	}
	if _, err := protectorRegex(`(unclosed`); err == nil {
		t.Error("bad pattern accepted")
	}
}

// TestValidateSchemaFile compiles <schema key="..."> against a real file
// next to a sequence file, as deploy does with the file's path.
func TestValidateSchemaFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "schemas"), 0o755); err != nil {
		t.Fatal(err)
	}
	schema := `{"type":"object","required":["id"]}`
	if err := os.WriteFile(filepath.Join(dir, "schemas", "order.json"), []byte(schema), 0o644); err != nil {
		t.Fatal(err)
	}
	src := `<sequence xmlns="http://ws.apache.org/ns/synapse" name="v"><validate><schema key="schemas/order.json"/>` +
		`<on-fail><property name="failed" expression="$ctx:ERROR_MESSAGE"/></on-fail></validate></sequence>`
	doc := etree.NewDocument()
	if err := doc.ReadFromString(src); err != nil {
		t.Fatal(err)
	}
	c := &mediation.Compiler{File: filepath.Join(dir, "seq.xml")}
	l, err := c.List(doc.Root())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, body, want string }{
		{"valid", `{"id":1}`, "result: true"},
		{"invalid", `{"x":1}`, `ctx:failed = "at '': missing property 'id'"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, "POST / HTTP/1.1\nHost: h\nContent-Type: application/json\n\n"+tt.body+"\n", "")
			cont, err := l.Mediate(e.mc)
			if got := e.transcript(cont, err); !strings.Contains(got, tt.want) {
				t.Errorf("transcript:\n%s\nwant it to contain %q", got, tt.want)
			}
		})
	}
}

func TestJSONLimits(t *testing.T) {
	limits := `<property name="maxPropertyCount" value="3"/><property name="maxStringLength" value="5"/>` +
		`<property name="maxArrayElementCount" value="2"/><property name="maxKeyLength" value="4"/>` +
		`<property name="maxJsonDepth" value="3"/>` +
		`<class name="org.wso2.carbon.apimgt.gateway.mediators.JsonSchemaValidator"/><property name="after" value="ok"/>`
	tests := []struct{ name, body, want string }{
		{"within limits", `{"a":[1,2],"b":{"c":"xyz"}}`, `ctx:after = "ok"`},
		{"too many properties", `{"a":1,"b":2,"c":3,"d":4}`, "max property count 3 exceeded"},
		{"string too long", `{"a":"abcdef"}`, "max string length 5 exceeded"},
		{"array too long", `{"a":[1,2,3]}`, "max array element count 2 exceeded"},
		{"key too long", `{"abcde":1}`, "max key length 4 exceeded"},
		{"too deep", `{"a":{"b":{"c":{"d":1}}}}`, "max JSON depth 3 exceeded"},
		{"nested arrays of objects", `[{"a":1},{"b":2}]`, `ctx:after = "ok"`},
		{"invalid json", `{"a":`, "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, limits, "POST / HTTP/1.1\nHost: h\nContent-Type: application/json\n\n"+tt.body+"\n", "", nil)
			if !strings.Contains(got, tt.want) {
				t.Errorf("transcript:\n%s\nwant it to contain %q", got, tt.want)
			}
		})
	}
}
