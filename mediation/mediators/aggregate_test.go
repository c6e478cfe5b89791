package mediators

import "testing"

// TestAggregateNested is Synapse's nested split (the corpus'
// IterateMediatorSequence and aggregateMessages): an iterate in an
// iterate's target, then an aggregate for the inner id whose onComplete
// aggregates the outer id. Each group is aggregated on its own, then the
// groups together, once.
func TestAggregateNested(t *testing.T) {
	be := startScatterBackend(t)
	const req = "POST /api/1.0.0/q HTTP/1.1\nHost: gw\nContent-Type: application/xml\n\n" +
		"<groups><group><order>1</order><order>2</order></group><group><order>3</order></group></groups>\n"
	src := `<iterate id="outer" expression="//group"><target><sequence>
		  <iterate id="inner" preservePayload="true" attachPath="//group" expression="//group/order"><target><sequence>
		    <send><endpoint><address uri="` + be + `/quote"/></endpoint></send></sequence></target></iterate>
		</sequence></target></iterate>
		<aggregate id="inner"><completeCondition><messageCount min="-1" max="-1"/></completeCondition>
		  <onComplete expression="//quote"><property name="groups" expression="fn:concat($ctx:groups, 'g')"/>
		    <aggregate id="outer"><completeCondition><messageCount min="-1" max="-1"/></completeCondition>
		      <onComplete expression="//quotes"><property name="done" value="once"/></onComplete></aggregate>
		  </onComplete></aggregate>`
	got := run(t, src, req, "", nil)
	wantAll(t, got, "result: true", `ctx:done = "once"`, `ctx:groups = "g"`,
		"<quotes><quote><group><order>1</order></group></quote><quote><group><order>2</order></group></quote></quotes>"+
			"<quotes><quote><group><order>3</order></group></quote></quotes>")
}

// TestAggregate covers the completeCondition, onComplete forms and the
// refusals.
func TestAggregate(t *testing.T) {
	be := startScatterBackend(t)
	const req = "POST /api/1.0.0/q HTTP/1.1\nHost: gw\nContent-Type: text/plain\n\nx\n"
	three := `<clone id="c"><target><endpoint><address uri="` + be + `/quote"/></endpoint></target>
		<target><endpoint><address uri="` + be + `/quote"/></endpoint></target>
		<target><endpoint><address uri="` + be + `/quote"/></endpoint></target></clone>`
	cases := []struct {
		name, src string
		want, not []string
	}{
		{"max keeps the first arrivals",
			three + `<aggregate id="c"><completeCondition><messageCount min="1" max="2"/></completeCondition><onComplete expression="//quote"/></aggregate>`,
			[]string{"<quotes><quote>x</quote><quote>x</quote></quotes>"}, []string{"<quote>x</quote><quote>x</quote><quote>x</quote>"}},
		{"enclosingElementProperty wraps the parts",
			three + `<property name="wrap" type="OM"><all xmlns=""/></property>
			<aggregate id="c"><onComplete expression="//quote" enclosingElementProperty="wrap"/></aggregate>`,
			[]string{`<all xmlns=""><quote>x</quote><quote>x</quote><quote>x</quote></all>`}, nil},
		{"onComplete sequence= runs a named sequence",
			three + `<aggregate id="c"><onComplete expression="//quote" sequence="done"/></aggregate>`,
			[]string{"result: false", "outcome: respond"}, nil},
		{"none arrived is an error naming the branches",
			`<clone id="f"><target><endpoint><address uri="` + be + `/close"/></endpoint></target></clone>
			 <aggregate id="f"><onComplete expression="//quote"/></aggregate>`,
			[]string{"none of the 1 branches arrived", "branch 1: endpoint"}, nil},
		{"on the response path the answer is replaced",
			three + `<aggregate id="c"><onComplete expression="//quote"/></aggregate>`,
			[]string{"HTTP/1.1 200", "<quotes><quote>backend</quote><quote>backend</quote><quote>backend</quote></quotes>"}, nil},
		{"an aggregate inside the targets completes once on the parent",
			`<clone id="t">
			   <target><sequence><call><endpoint><address uri="` + be + `/quote"/></endpoint></call>
			     <aggregate id="t"><onComplete expression="//quote"><property name="agg" expression="fn:concat($ctx:agg, 'x')"/></onComplete></aggregate></sequence></target>
			   <target><sequence><call><endpoint><address uri="` + be + `/quote"/></endpoint></call>
			     <aggregate id="t"><onComplete expression="//quote"><property name="agg" expression="fn:concat($ctx:agg, 'x')"/></onComplete></aggregate></sequence></target>
			 </clone>`,
			[]string{"result: true", `ctx:agg = "x"`, "<quotes><quote>x</quote><quote>x</quote></quotes>"}, nil},
		{"compile: correlateOn is refused",
			`<aggregate><correlateOn expression="//id"/><onComplete expression="//q"/></aggregate>`,
			[]string{"correlateOn is not supported"}, nil},
		{"compile: onComplete is required", `<aggregate/>`, []string{"needs <onComplete"}, nil},
		{"compile: a bad timeout", `<aggregate><completeCondition timeout="soon"/><onComplete expression="//q"/></aggregate>`,
			[]string{`timeout="soon": want seconds`}, nil},
	}
	done, _, err := compileSnippet(`<respond/>`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := ""
			if tc.name == "on the response path the answer is replaced" {
				resp = "HTTP/1.1 200 OK\nContent-Type: text/plain\n\nbackend\n"
			}
			got := run(t, tc.src, req, resp, seqMap{"done": done})
			wantAll(t, got, tc.want...)
			wantNone(t, got, tc.not...)
		})
	}
}
