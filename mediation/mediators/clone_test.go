package mediators

import "testing"

// TestClone sends copies of one request to several real backends and
// aggregates the answers; a failing and a slow branch do not arrive.
func TestClone(t *testing.T) {
	be := startScatterBackend(t)
	const req = "POST /api/1.0.0/q HTTP/1.1\nHost: gw\nContent-Type: text/plain\n\nsame\n"
	cases := []struct {
		name, src string
		want, not []string
	}{
		{"every target answers",
			`<clone id="q">
			   <target><endpoint><address uri="` + be + `/quote"/></endpoint></target>
			   <target><sequence><property name="who" value="second"/><call><endpoint><address uri="` + be + `/quote"/></endpoint></call></sequence></target>
			 </clone>
			 <aggregate id="q"><completeCondition><messageCount min="-1" max="-1"/></completeCondition>
			   <onComplete expression="//quote"><property name="done" value="yes"/></onComplete></aggregate>`,
			[]string{"result: true", "<quotes><quote>same</quote><quote>same</quote></quotes>", `ctx:done = "yes"`}, nil},
		{"a target sequence ending in send has its send done in the branch",
			`<clone><target><sequence><send><endpoint><address uri="` + be + `/quote"/></endpoint></send></sequence></target>
			   <target sequence="anon"><sequence><send><endpoint><address uri="` + be + `/quote"/></endpoint></send></sequence></target></clone>
			 <aggregate><onComplete expression="//quote"/></aggregate>`,
			[]string{"result: true", "outcome: continue", "<quote>same</quote><quote>same</quote>"}, nil},
		{"failing and slow branches do not arrive",
			`<clone id="q" sequential="false">
			   <target><endpoint><address uri="` + be + `/quote"/></endpoint></target>
			   <target><endpoint><address uri="` + be + `/close"/></endpoint></target>
			   <target><endpoint><address uri="` + be + `/fail"/></endpoint></target>
			   <target><endpoint><address uri="` + be + `/slow"/></endpoint></target>
			 </clone>
			 <aggregate id="q"><completeCondition timeout="0.5"/><onComplete expression="//quote"/></aggregate>`,
			[]string{"result: true", "<quotes><quote>same</quote></quotes>", "branch=2 error=endpoint", "branch=4 error=endpoint"},
			[]string{"late", "fault"}},
		{"the branches' properties stay in the branches",
			`<clone continueParent="true"><target><sequence><property name="x" value="branch"/></sequence></target></clone>`,
			[]string{"result: true"}, []string{`ctx:x`}},
	}
	target, _, err := compileSnippet(`<property name="seen" value="yes"/><call><endpoint><address uri="` + be + `/quote"/></endpoint></call>`)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, struct {
		name, src string
		want, not []string
	}{"a target by sequence key, continueParent keeps the original going",
		`<clone id="k" continueParent="true"><target sequence="quoteSeq"/></clone>
		 <property name="parent" value="went on"/>
		 <aggregate id="k"><onComplete expression="//quote"/></aggregate>`,
		[]string{"result: true", `ctx:parent = "went on"`, `ctx:seen = "yes"`, "<quotes><quote>same</quote></quotes>"}, nil})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := run(t, tc.src, req, "", seqMap{"quoteSeq": target})
			wantAll(t, got, tc.want...)
			wantNone(t, got, tc.not...)
		})
	}
}
