package mediators

import "testing"

// TestIterate splits a payload and sends each part to a real backend.
func TestIterate(t *testing.T) {
	be := startScatterBackend(t)
	const jsonReq = "POST /api/1.0.0/orders HTTP/1.1\nHost: gw\nContent-Type: application/json\n\n" +
		`{"orders":[{"id":1},{"id":2},{"id":3}]}` + "\n"
	cases := []struct {
		name, src, req string
		want, not      []string
	}{
		{"each order alone goes to the backend, answers aggregated",
			`<iterate id="it" expression="//order"><target><sequence><call><endpoint><address uri="` + be + `/quote"/></endpoint></call></sequence></target></iterate>
			 <aggregate id="it"><completeCondition><messageCount min="-1" max="-1"/></completeCondition><onComplete expression="//quote"/></aggregate>`,
			ordersReq, []string{"<quotes><quote><order><id>1</id></order></quote><quote><order><id>2</id></order></quote><quote><order><id>3</id></order></quote></quotes>"}, nil},
		{"preservePayload keeps the part in its place",
			`<iterate id="it" preservePayload="true" attachPath="//orders" expression="//order"><target><endpoint><address uri="` + be + `/quote"/></endpoint></target></iterate>
			 <aggregate id="it"><onComplete expression="//quote"/></aggregate>`,
			ordersReq, []string{"<quote><orders><order><id>1</id></order></orders></quote><quote><orders><order><id>2</id></order></orders></quote>"}, nil},
		{"json-eval splits an array; the aggregate builds a JSON array",
			`<iterate id="j" expression="json-eval($.orders)"><target><endpoint><address uri="` + be + `/quote?json"/></endpoint></target></iterate>
			 <aggregate id="j"><onComplete expression="json-eval($.quote)"/></aggregate>`,
			jsonReq, []string{`[{"id":1},{"id":2},{"id":3}]`, "Content-Type: application/json"}, nil},
		{"no match: nothing to aggregate is an error",
			`<iterate expression="//nothing"><target><endpoint><address uri="` + be + `/quote"/></endpoint></target></iterate>
			 <aggregate><onComplete expression="//quote"/></aggregate>`,
			ordersReq, []string{"error: aggregate id=\"\": the split produced no message"}, nil},
		{"an aggregate with another id finds nothing",
			`<iterate id="a" expression="//order"><target><endpoint><address uri="` + be + `/quote"/></endpoint></target></iterate>
			 <aggregate id="b"><onComplete expression="//quote"/></aggregate>`,
			ordersReq, []string{`no clone or iterate with this id ran before it`}, nil},
		{"compile: a target is required", `<iterate expression="//order"/>`, ordersReq, []string{"an <iterate> needs a <target>"}, nil},
		{"compile: expression is required", `<iterate><target sequence="x"/></iterate>`, ordersReq, []string{"expression attribute is required"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := run(t, tc.src, tc.req, "", nil)
			wantAll(t, got, tc.want...)
			wantNone(t, got, tc.not...)
		})
	}
}
