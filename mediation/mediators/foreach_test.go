package mediators

import "testing"

// TestForeach changes each selected element in place.
func TestForeach(t *testing.T) {
	const jsonReq = "POST /api/1.0.0/orders HTTP/1.1\nHost: gw\nContent-Type: application/json\n\n" +
		`{"orders":[{"id":1},{"id":2}],"n":2}` + "\n"
	cases := []struct {
		name, src, req string
		want, not      []string
	}{
		{"xml: each order is rewritten in place",
			`<foreach expression="//order"><sequence>
			   <payloadFactory media-type="xml"><format><item xmlns=""><ref>$1</ref></item></format><args><arg expression="//id"/></args></payloadFactory>
			 </sequence></foreach>`,
			ordersReq, []string{"result: true", `<orders><item xmlns=""><ref>1</ref></item><item xmlns=""><ref>2</ref></item><item xmlns=""><ref>3</ref></item></orders>`}, nil},
		{"json: each element of the array is rewritten",
			`<foreach expression="json-eval($.orders)"><sequence>
			   <payloadFactory media-type="json"><format>{"ref":$1}</format><args><arg evaluator="json" expression="$.id"/></args></payloadFactory>
			 </sequence></foreach>`,
			jsonReq, []string{"result: true", `"orders":[{"ref":1},{"ref":2}]`, `"n":2`}, nil},
		{"properties set inside stay inside",
			`<foreach expression="//order"><sequence><property name="inner" value="1"/></sequence></foreach>`,
			ordersReq, []string{"result: true"}, []string{"ctx:inner"}},
		{"compile: a call inside is refused",
			`<foreach expression="//order"><sequence><call/></sequence></foreach>`,
			ordersReq, []string{"<call> is not allowed in a foreach sequence"}, nil},
		{"a sequence that stops the flow is an error",
			`<foreach expression="//order"><sequence><drop/></sequence></foreach>`,
			ordersReq, []string{"error: foreach: the sequence stopped the flow"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := run(t, tc.src, tc.req, "", nil)
			wantAll(t, got, tc.want...)
			wantNone(t, got, tc.not...)
		})
	}
}

// TestScatterNamespaces: a part whose prefix is declared on an ancestor
// keeps its declaration when it is split out (iterate) or sequenced alone
// (foreach).
func TestScatterNamespaces(t *testing.T) {
	be := startScatterBackend(t)
	const req = "POST /api/1.0.0/q HTTP/1.1\nHost: gw\nContent-Type: application/xml\n\n" +
		`<m:orders xmlns:m="urn:m"><m:order><m:id>1</m:id></m:order><m:order><m:id>2</m:id></m:order></m:orders>` + "\n"
	got := run(t, `<foreach xmlns:m="urn:m" expression="//m:order"><sequence>
		  <property name="x" expression="//m:id"/></sequence></foreach>`, req, "", nil)
	wantAll(t, got, "result: true", `<m:order xmlns:m="urn:m"><m:id>1</m:id></m:order>`)
	got = run(t, `<iterate id="n" xmlns:m="urn:m" expression="//m:order"><target><endpoint><address uri="`+be+`/quote"/></endpoint></target></iterate>
		<aggregate id="n"><onComplete expression="//quote"/></aggregate>`, req, "", nil)
	wantAll(t, got, "result: true", `<quote><m:order xmlns:m="urn:m"><m:id>1</m:id></m:order></quote><quote><m:order xmlns:m="urn:m"><m:id>2</m:id></m:order></quote>`)
}
