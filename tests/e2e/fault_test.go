package e2e

import (
	"net/http"
	"testing"
	"time"
)

// TestMediationError: an error inside an extension sequence gives 500 JSON
// while no `fault` sequence is deployed; once one is (hot), it shapes the
// answer, with ERROR_CODE available to it.
func TestMediationError(t *testing.T) {
	t.Parallel()
	apis := []apiDef{api("Static", "/static"), api("Dynamic", "/dynamic"), api("Convert", "/convert")}
	g := startGateway(t, gwConfig{APIs: apis},
		seqFile{0, "static_in.xml", seq("admin--Static:v1.0.0--In", `<sequence key="doesNotExist"/>`)},
		seqFile{0, "dynamic_in.xml", seq("admin--Dynamic:v1.0.0--In", `<sequence key="{$trp:X-Seq}"/>`)},
		seqFile{0, "convert_in.xml", seq("admin--Convert:v1.0.0--In",
			`<property name="n" expression="$trp:X-Number" type="INTEGER"/>`)},
	)
	cases := []struct {
		name, path string
		hdr        map[string]string
	}{
		{"unknown static sequence key", "/static/1.0.0/1", withKey(keyApp1)},
		{"unknown dynamic sequence key", "/dynamic/1.0.0/1", withKey(keyApp1, "X-Seq", "alsoMissing")},
		{"bad INTEGER conversion", "/convert/1.0.0/1", withKey(keyApp1, "X-Number", "not-a-number")},
	}
	for _, c := range cases {
		t.Run("no fault sequence/"+c.name, func(t *testing.T) {
			r := g.doReq("GET", c.path, c.hdr, "")
			if r.Status != http.StatusInternalServerError {
				t.Fatalf("status = %d, want 500; body %s", r.Status, r.Body)
			}
			checkJSONError(t, r, "")
			if _, reached := g.backend.byID(r.ID); reached {
				t.Errorf("failed request reached the backend")
			}
		})
	}

	writeSeq(t, g.superDir, "fault.xml", seq("fault",
		`<payloadFactory media-type="json"><format>{"fault":"custom","detail":"$1"}</format>`+
			`<args><arg expression="$ctx:ERROR_MESSAGE"/></args></payloadFactory>`,
		`<property name="HTTP_SC" scope="axis2" value="503"/>`,
		`<respond/>`))
	waitFor(t, "the fault sequence to be deployed", 5*time.Second, func() bool {
		return g.doReq("GET", cases[0].path, cases[0].hdr, "").Status == http.StatusServiceUnavailable
	})
	for _, c := range cases {
		t.Run("fault sequence/"+c.name, func(t *testing.T) {
			r := g.doReq("GET", c.path, c.hdr, "")
			if r.Status != http.StatusServiceUnavailable {
				t.Fatalf("status = %d, want the fault sequence's 503; body %s", r.Status, r.Body)
			}
			m := r.json(t)
			if m["fault"] != "custom" {
				t.Errorf("body = %s, want the fault sequence's payload", r.Body)
			}
			if d, _ := m["detail"].(string); d == "" {
				t.Errorf("ERROR_MESSAGE was empty in the fault sequence (body %s)", r.Body)
			}
		})
	}
}
