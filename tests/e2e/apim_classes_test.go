package e2e

import (
	"testing"
)

// TestAPIMAnalyticsClasses: API-M 2.x/3.x's analytics class mediators run
// as no-ops (seqgate's usage handler records the request): the
// _throttle_out_handler_ of API-M 3.x calls
// ...handlers.analytics.APIMgtThrottleUsageHandler, and the outSequence of
// every API-M 2.x API calls ...handlers.analytics.APIMgtResponseHandler.
// Both were unknown, so the sequences were refused and neither the
// throttle answer nor the out sequence was the tenant's.
func TestAPIMAnalyticsClasses(t *testing.T) {
	t.Parallel()
	tiny := api("Tiny", "/tiny")
	tiny.Tier = "Tiny"
	g := startGateway(t, gwConfig{APIs: []apiDef{ordersAPI(), tiny}},
		seqFile{0, "_throttle_out_handler_.xml", seq("_throttle_out_handler_",
			`<property name="X-JWT-Assertion" scope="transport" action="remove"/>`,
			`<class name="org.wso2.carbon.apimgt.gateway.handlers.analytics.APIMgtThrottleUsageHandler"/>`,
			`<payloadFactory media-type="json"><format>{"throttled":"$1"}</format><args><arg expression="$ctx:ERROR_CODE"/></args></payloadFactory>`,
			`<property name="HTTP_SC" value="429" scope="axis2"/>`,
			`<respond/>`)},
		seqFile{0, "orders_out.xml", seq("admin--Orders:v1.0.0--Out",
			`<class name="org.wso2.carbon.apimgt.gateway.handlers.analytics.APIMgtResponseHandler"/>`,
			`<property name="X-Out" value="ran" scope="transport"/>`)})

	r := g.doReq("GET", "/orders/1.0.0/1", withKey(keyApp1), "")
	if r.Status != 200 || r.Header.Get("X-Out") != "ran" {
		t.Errorf("orders: status %d, X-Out %q; want 200 and the out sequence's header", r.Status, r.Header.Get("X-Out"))
	}
	for i := 0; i < 4; i++ {
		r = g.doReq("GET", "/tiny/1.0.0/1", withKey(keyApp2), "")
	}
	checkFault(t, r, 429, "application/json", `{"throttled":"900800"}`)
}
