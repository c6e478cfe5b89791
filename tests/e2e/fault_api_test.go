package e2e

import (
	"net/http"
	"testing"
)

// TestFaultPerAPI: the API's <api>--Fault sequence answers its backend and
// mediation failures instead of the tenant's fault; a fault sequence that
// just ends has the current message sent, with the failure's status (502,
// 503 for an endpoint suspended by the first failure, 504) unless it sets
// HTTP_SC; other APIs keep the tenant's fault; a backend 5xx is no failure.
func TestFaultPerAPI(t *testing.T) {
	t.Parallel()
	silent := silentServer(t)
	down := closedPort(t) // bound, never listening: connections are refused
	apiFault := seq("admin--Orders:v1.0.0--Fault",
		`<payloadFactory media-type="json"><format>{"api":"orders","code":"$1","msg":"$2"}</format>`+
			`<args><arg expression="$ctx:ERROR_CODE"/><arg expression="$ctx:ERROR_MESSAGE"/></args></payloadFactory>`,
		`<filter source="$trp:X-Status" regex=".+"><property name="HTTP_SC" scope="axis2" expression="$trp:X-Status"/></filter>`)
	ordersIn := seq("admin--Orders:v1.0.0--In",
		`<filter source="$trp:X-Target" regex="silent"><send><endpoint><address uri="http://`+silent+`/">`+
			`<timeout><duration>300</duration></timeout></address></endpoint></send></filter>`,
		`<filter source="$trp:X-Target" regex="down"><send><endpoint><address uri="http://`+down+`/"/></endpoint></send></filter>`,
		`<filter source="$trp:X-Target" regex="fail"><sequence key="missing"/></filter>`)
	tenantFault := seq("fault", `<payloadFactory media-type="json"><format>{"tenant":"fault"}</format><args/></payloadFactory>`, `<respond/>`)
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI(), api("Other", "/other")}},
		seqFile{0, "orders_fault.xml", apiFault}, seqFile{0, "orders_in.xml", ordersIn}, seqFile{0, "fault.xml", tenantFault},
		seqFile{0, "other_in.xml", seq("admin--Other:v1.0.0--In", `<sequence key="missing"/>`)})

	cases := []struct {
		name, path string
		hdr        map[string]string
		status     int
		contains   []string
	}{
		{"connection refused: 502 kept", "/orders/1.0.0/1", withKey(keyApp1, "X-Target", "down"), http.StatusBadGateway,
			[]string{`"api":"orders"`, `"code":"101503"`, `"msg":"Error connecting to the back end"`}},
		{"timeout: 504 kept", "/orders/1.0.0/1", withKey(keyApp1, "X-Target", "silent"), http.StatusGatewayTimeout,
			[]string{`"code":"101504"`, `"msg":"Send timeout"`}},
		{"suspended after the failure: 503 kept", "/orders/1.0.0/1", withKey(keyApp1, "X-Target", "down"), http.StatusServiceUnavailable,
			[]string{`"code":"303001"`}},
		{"HTTP_SC set by the sequence wins", "/orders/1.0.0/1", withKey(keyApp1, "X-Target", "down", "X-Status", "418"), 418,
			[]string{`"api":"orders"`}},
		{"mediation error: 500", "/orders/1.0.0/1", withKey(keyApp1, "X-Target", "fail"), http.StatusInternalServerError,
			[]string{`"api":"orders"`, `"code":"0"`, `missing`}},
		{"other API: tenant fault", "/other/1.0.0/1", withKey(keyApp1), http.StatusInternalServerError,
			[]string{`"tenant":"fault"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkFault(t, g.doReq("GET", c.path, c.hdr, ""), c.status, "application/json", c.contains...)
		})
	}
	t.Run("backend 5xx passes through", func(t *testing.T) {
		g.backend.answer(http.StatusServiceUnavailable, nil)
		r := g.doReq("GET", "/orders/1.0.0/1", withKey(keyApp1), "")
		checkFault(t, r, http.StatusServiceUnavailable, "application/json", `"backend":"ok"`)
	})
}
