package e2e

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBareFragmentAndJ2Policy: API-M 4.x artefacts in a sequences folder.
// A file of bare mediators (no <sequence> root, several top-level
// elements) deploys as the sequence named by the file, here the API's In
// sequence; it calls an operation policy template (.j2) rendered with the
// defaults of its spec (.yaml). Editing the spec redeploys the policy; a
// template with an unsupported Jinja tag is refused with file:line and the
// last good version keeps serving.
func TestBareFragmentAndJ2Policy(t *testing.T) {
	fragment := `<?xml version="1.0" encoding="UTF-8"?>
<property xmlns="http://ws.apache.org/ns/synapse" name="X-Frag" value="bare" scope="transport"/>
<sequence xmlns="http://ws.apache.org/ns/synapse" key="addHeader_v1"/>
`
	spec := func(value string) string {
		return `type: operation_policy_specification
version: v4.3.0
data:
  category: Mediation
  name: addHeader
  version: v1
  displayName: Add Header
  applicableFlows: [request, response]
  supportedGateways: [Synapse]
  policyAttributes:
    - name: headerName
      type: String
      required: true
      defaultValue: X-Policy
    - name: headerValue
      type: String
      required: true
      defaultValue: '` + value + `'
    - name: extra
      type: String
      required: false
`
	}
	tmpl := `{# API-M operation policy #}
{% if headerValue %}
<property action="set" name="{{ headerName }}" value="{{headerValue}}" scope="transport" />
{% endif %}
{% if extra is defined %}
<property action="set" name="X-Extra" value="{{ extra }}" scope="transport" />
{% else %}
<property action="set" name="X-Extra" value="none" scope="transport" />
{% endif %}
`
	g := startGateway(t, gwConfig{},
		seqFile{0, "admin--Orders:v1.0.0--In.xml", fragment},
		seqFile{0, "addHeader_v1.j2", tmpl})
	// the spec must be there before the template compiles: written after
	// start, it redeploys the template
	writeFile(t, filepath.Join(g.superDir, "addHeader_v1.yaml"), spec("on"))
	var r resp
	waitFor(t, "the policy rendered with the spec's defaults", 10*time.Second, func() bool {
		r = g.doReq("GET", "/orders/1.0.0/7", withKey(keyApp1), "")
		return r.Status == http.StatusOK && g.backend.mustGet(t, r.ID).Header.Get("X-Policy") == "on"
	})
	got := g.backend.mustGet(t, r.ID)
	if got.Header.Get("X-Frag") != "bare" || got.Header.Get("X-Extra") != "none" {
		t.Errorf("backend headers X-Frag %q X-Extra %q; want bare, none", got.Header.Get("X-Frag"), got.Header.Get("X-Extra"))
	}
	if st, msg, _ := g.fileState("carbon.super", "admin--Orders:v1.0.0--In.xml"); st != "active" {
		t.Fatalf("fragment file: %s %s", st, msg)
	}

	writeFile(t, filepath.Join(g.superDir, "addHeader_v1.yaml"), spec(`a"b<c`))
	waitFor(t, "the spec's new default used", 10*time.Second, func() bool {
		r = g.doReq("GET", "/orders/1.0.0/7", withKey(keyApp1), "")
		return r.Status == http.StatusOK && g.backend.mustGet(t, r.ID).Header.Get("X-Policy") == `a"b<c`
	})

	writeSeq(t, g.superDir, "addHeader_v1.j2", "<property name=\"a\" value=\"1\"/>\n{% for h in headers %}\n{% endfor %}\n")
	var msg string
	waitFor(t, "the bad template refused", 10*time.Second, func() bool {
		var st string
		st, msg, _ = g.fileState("carbon.super", "addHeader_v1.j2")
		return st == "refused"
	})
	if !strings.Contains(msg, "addHeader_v1.j2:2") || !strings.Contains(msg, "unsupported Jinja tag") {
		t.Errorf("refusal %q; want file:line 2 and the reason", msg)
	}
	r = g.doReq("GET", "/orders/1.0.0/7", withKey(keyApp1), "")
	if h := g.backend.mustGet(t, r.ID).Header.Get("X-Policy"); h != `a"b<c` {
		t.Errorf("last good policy not serving: X-Policy %q", h)
	}
}
