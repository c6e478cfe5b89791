package mediators

import (
	"fmt"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// mapResolver is a tenant snapshot for tests: key -> file content (XML
// when it starts with '<').
type mapResolver map[string]string

func (m mapResolver) Resolve(key string) (*mediation.Resource, error) {
	src, ok := m[key]
	if !ok {
		return nil, fmt.Errorf("%q: %w", key, mediation.ErrNoResource)
	}
	file := "res/" + strings.NewReplacer(":", "_", "/", "_").Replace(key)
	r := &mediation.Resource{Key: key, File: file, Text: src}
	if strings.HasPrefix(src, "<") {
		doc, lines, err := mediation.ReadConfigFile(file, []byte(src), 1<<20, 64)
		if err != nil {
			return nil, err
		}
		r.XML, r.Lines = doc.Root(), lines
	}
	return r, nil
}

func compileWith(res mediation.Resolver, src string) (mediation.List, *mediation.Compiler, error) {
	full := `<sequence xmlns="http://ws.apache.org/ns/synapse" name="t">` + src + "</sequence>"
	doc := etree.NewDocument()
	if err := doc.ReadFromString(full); err != nil {
		return nil, nil, err
	}
	c := &mediation.Compiler{File: "t.xml", Lines: lineMap([]byte(full), doc), Resolver: res}
	l, err := c.List(doc.Root())
	return l, c, err
}

func TestResolvedKeys(t *testing.T) {
	res := mapResolver{
		"fmt_json":         `{"greeting": "$1"}`,
		"gov:/fmt/x.xml":   `<m:hello xmlns:m="urn:m"><m:who>$1</m:who></m:hello>`,
		"prog":             `mc.setProperty("fromScript", "yes")`,
		"le_seq":           `<sequence xmlns="http://ws.apache.org/ns/synapse"><property name="inner" value="ran"/></sequence>`,
		"schema":           `{"type": "object", "required": ["a"]}`,
		"loop_a":           `<sequence xmlns="http://ws.apache.org/ns/synapse"><sequence key="loop_b"/></sequence>`,
		"loop_b":           `<sequence xmlns="http://ws.apache.org/ns/synapse"><sequence key="loop_a"/></sequence>`,
		"bad_seq":          "<sequence xmlns=\"http://ws.apache.org/ns/synapse\">\n<nosuchmediator/></sequence>",
		"conf:/text.txt":   "plain",
		"conf:/ep/a.xml":   `<endpoint xmlns="http://ws.apache.org/ns/synapse"><http uri-template="http://127.0.0.1:1/x"/></endpoint>`,
		"not_an_endpoint":  `<a/>`,
		"gov:/schemas/a.j": `{"type": "object"}`,
		"inline_json":      `{"added": true}`,
		"policy":           `<wsp:Policy xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy" xmlns:throttle="http://www.wso2.org/products/wso2commons/throttle"><throttle:MediatorThrottleAssertion><throttle:MaximumConcurrentAccess>10</throttle:MaximumConcurrentAccess></throttle:MediatorThrottleAssertion></wsp:Policy>`,
	}
	req := "POST /x HTTP/1.1\nHost: h\nContent-Type: application/json\n\n{\"a\": 1}\n"
	for _, tc := range []struct {
		name, src, want, wantErr string
	}{
		{name: "payloadFactory json key", src: `<payloadFactory media-type="json"><format key="fmt_json"/><args><arg value="hi"/></args></payloadFactory>`, want: `{"greeting": "hi"}`},
		{name: "payloadFactory xml gov key", src: `<payloadFactory media-type="xml"><format key="gov:/fmt/x.xml"/><args><arg value="me"/></args></payloadFactory>`, want: `<m:who>me</m:who>`},
		{name: "script key", src: `<script language="expr" key="prog"/>`, want: `ctx:fromScript = "yes"`},
		{name: "sequence key from local entry", src: `<sequence key="le_seq"/>`, want: `ctx:inner = "ran"`},
		{name: "validate schema key", src: `<validate><schema key="schema"/><on-fail><property name="failed" value="1"/></on-fail></validate>`, want: "result: true"},
		{name: "validate schema gov key", src: `<validate><schema key="gov:/schemas/a.j"/><on-fail><drop/></on-fail></validate>`, want: "result: true"},
		{name: "unresolved gov key", src: `<payloadFactory media-type="json"><format key="gov:/none.json"/></payloadFactory>`, wantErr: `t.xml:1: <format>: key="gov:/none.json": no registry resource with that key`},
		{name: "unresolved plain format key", src: `<payloadFactory media-type="json"><format key="nope"/></payloadFactory>`, wantErr: `key="nope": no local entry or registry resource`},
		{name: "script xml resource", src: `<script language="expr" key="le_seq"/>`, wantErr: "must be text"},
		{name: "xml format from text", src: `<payloadFactory media-type="xml"><format key="conf:/text.txt"/></payloadFactory>`, wantErr: "needs an XML resource"},
		{name: "cycle", src: `<sequence key="loop_a"/>`, wantErr: "resource reference cycle: loop_a -> loop_b -> loop_a"},
		{name: "error inside resource names its line", src: `<sequence key="bad_seq"/>`, wantErr: `t.xml:1: <sequence>: key "bad_seq": res/bad_seq:2: <nosuchmediator>: unsupported mediator`},
		{name: "enrich inline key", src: `<enrich><source type="inline" key="inline_json"/><target type="body"/></enrich>`, want: `"added"`},
		{name: "throttle policy key", src: `<throttle id="t"><policy key="policy"/><onAccept><property name="accepted" value="1"/></onAccept></throttle>`, want: `ctx:accepted = "1"`},
		{name: "throttle policy key not a policy", src: `<throttle id="t"><policy key="conf:/text.txt"/></throttle>`, wantErr: "is not a <wsp:Policy>"},
		{name: "endpoint key", src: `<call><endpoint key="conf:/ep/a.xml"/></call>`},
		{name: "endpoint key not an endpoint", src: `<call><endpoint key="not_an_endpoint"/></call>`, wantErr: "is not an <endpoint>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, c, err := compileWith(res, tc.src)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Resources) == 0 {
				t.Error("the key looked up is not recorded in Compiler.Resources")
			}
			if tc.want == "" {
				return
			}
			e := newEnv(t, req, "")
			cont, err := l.Mediate(e.mc)
			if got := e.transcript(cont, err); !strings.Contains(got, tc.want) {
				t.Errorf("transcript lacks %q:\n%s", tc.want, got)
			}
		})
	}
}

// Without a resolver a plain <sequence key> stays a run-time reference to
// a deployed sequence (as before), while gov:/conf: keys are refused.
func TestKeysWithoutResolver(t *testing.T) {
	if _, c, err := compileWith(nil, `<sequence key="other"/>`); err != nil || len(c.Refs) != 1 {
		t.Fatalf("plain key: err %v refs %v", err, c.Refs)
	}
	if _, _, err := compileWith(nil, `<sequence key="gov:/x.xml"/>`); err == nil || !strings.Contains(err.Error(), `key="gov:/x.xml": no registry resource`) {
		t.Fatalf("gov key: err = %v", err)
	}
}

// get-property('registry', key) reads the resource's content per request;
// a static gov:/conf: key is checked when the sequence deploys.
func TestGetPropertyRegistry(t *testing.T) {
	res := mapResolver{"conf:/limits/max.txt": "42", "le_xml": `<a><b>x</b></a>`}
	l, c, err := compileWith(res, `<property name="max" expression="get-property('registry', 'conf:/limits/max.txt')"/>`+
		`<property name="xml" expression="get-property('registry', 'le_xml')"/>`+
		`<property name="meta" expression="get-property('registry', 'conf:/limits/max.txt@owner')"/>`+
		`<property name="none" expression="get-property('registry', 'not_there')"/>`)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Resources) != 3 {
		t.Errorf("Resources = %v, want the three static keys without @", c.Resources)
	}
	e := newEnv(t, "GET /x HTTP/1.1\nHost: h\n\n", "")
	e.mc.Registry = res
	cont, err := l.Mediate(e.mc)
	got := e.transcript(cont, err)
	for _, want := range []string{`ctx:max = "42"`, `ctx:xml = "<a><b>x</b></a>"`, `ctx:meta = ""`, `ctx:none = ""`} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %s:\n%s", want, got)
		}
	}
	if _, _, err := compileWith(res, `<property name="m" expression="get-property('registry', 'gov:/missing')"/>`); err == nil ||
		!strings.Contains(err.Error(), `t.xml:1: <property>: expression: get-property('registry', "gov:/missing"): no registry resource`) {
		t.Errorf("unresolved static registry key: err = %v", err)
	}
}
