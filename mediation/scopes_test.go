package mediation_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/seqgate/seqgate/mediation"
)

// TestPropertyScopes: every scope a sequence can name, read the way
// get-property and the $ variables read it.
func TestPropertyScopes(t *testing.T) {
	t.Setenv("SEQGATE_TEST_ENV", "from-env")
	cases := []struct {
		name, expr, want string
		m                msg
		setup            func(mc *mediation.MessageContext)
	}{
		{name: "operation shares the default map", expr: "get-property('operation', 'k')", want: "v",
			setup: func(mc *mediation.MessageContext) { mc.SetProperty(mediation.ScopeDefault, "k", "v") }},
		{name: "default sees operation writes", expr: "$ctx:k", want: "v",
			setup: func(mc *mediation.MessageContext) { mc.SetProperty(mediation.ScopeOperation, "k", "v") }},
		{name: "$operation variable", expr: "$operation:k", want: "v",
			setup: func(mc *mediation.MessageContext) { mc.SetProperty(mediation.ScopeOperation, "k", "v") }},
		{name: "axis2-client is axis2", expr: "$axis2:OUT_ONLY", want: "true",
			setup: func(mc *mediation.MessageContext) { mc.SetProperty(mediation.ScopeAxis2Client, "OUT_ONLY", "true") }},
		{name: "registry reads empty", expr: "get-property('registry', 'gov:/x@p')", want: ""},
		{name: "registry ignores writes", expr: "get-property('registry', 'k')", want: "",
			setup: func(mc *mediation.MessageContext) { mc.SetProperty(mediation.ScopeRegistry, "k", "v") }},
		{name: "file reads empty", expr: "get-property('file', 'k')", want: ""},
		{name: "env", expr: "get-property('env', 'SEQGATE_TEST_ENV')", want: "from-env"},
		{name: "system reads the environment", expr: "get-property('system', 'SEQGATE_TEST_ENV')", want: "from-env"},
		{name: "$sys", expr: "$sys:SEQGATE_TEST_ENV", want: "from-env"},
		{name: "$func is empty", expr: "$func:param", want: ""},
		{name: "$func in concat", expr: "concat('[', $func:p, ']')", want: "[]"},
		{name: "get-property func", expr: "get-property('func', 'p')", want: ""},
		{name: "transport", expr: "get-property('transport', 'Accept')", want: "application/xml",
			m: msg{headers: map[string]string{"Accept": "application/xml"}}},
		{name: "MESSAGE_FORMAT json is pox", expr: "get-property('MESSAGE_FORMAT')", want: "pox",
			m: msg{body: `{"a":1}`, ct: "application/json"}},
		{name: "MESSAGE_FORMAT soap11", expr: "get-property('MESSAGE_FORMAT')", want: "soap11",
			m: msg{body: soap11Quote, ct: "text/xml"}},
		{name: "MESSAGE_FORMAT soap12", expr: "get-property('MESSAGE_FORMAT')", want: "soap12",
			m: msg{body: `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>`, ct: "application/soap+xml"}},
		{name: "MESSAGE_FORMAT text/xml pox", expr: "get-property('MESSAGE_FORMAT')", want: "pox",
			m: msg{body: `<a/>`, ct: "text/xml"}},
		{name: "To", expr: "get-property('To')", want: "/shop/1.0/orders?x=1",
			m: msg{uri: "http://localhost/shop/1.0/orders?x=1"}},
		{name: "FAULT false", expr: "get-property('FAULT')", want: "false", m: msg{body: soap11Quote, ct: "text/xml"}},
		{name: "FAULT true", expr: "get-property('FAULT')", want: "true",
			m: msg{body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode></s:Fault></s:Body></s:Envelope>`, ct: "text/xml"}},
		{name: "OperationName", expr: "get-property('OperationName')", want: "mediate"},
		{name: "Action", expr: "get-property('Action')", want: "urn:getQuote",
			m: msg{headers: map[string]string{"SOAPAction": `"urn:getQuote"`}}},
		{name: "messageType reads the declared type", expr: "$axis2:messageType", want: "application/xml",
			m: msg{body: `{}`, ct: "application/json"},
			setup: func(mc *mediation.MessageContext) {
				mc.SetProperty(mediation.ScopeAxis2, "messageType", "application/xml")
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mc := newMC(t, tc.m)
			if tc.setup != nil {
				tc.setup(mc)
			}
			got, err := mustCompile(t, tc.expr, nil).String(mc)
			if err != nil || got != tc.want {
				t.Errorf("%s = %q, %v; want %q", tc.expr, got, err, tc.want)
			}
		})
	}
}

func TestSystemDate(t *testing.T) {
	cases := []struct{ expr, pattern, layout string }{
		{"get-property('SYSTEM_DATE', 'yyyy-MM-dd')", `^\d{4}-\d{2}-\d{2}$`, "2006-01-02"},
		{"get-property('default', 'SYSTEM_DATE', 'yyyy-MM-dd HH:mm')", `^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$`, "2006-01-02 15:04"},
		{"get-property('SYSTEM_DATE')", `^\d{1,2}/\d{1,2}/\d{2} \d{1,2}:\d{2} (AM|PM)$`, "1/2/06 3:04 PM"},
	}
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			before := time.Now().Format(tc.layout)
			got, err := mustCompile(t, tc.expr, nil).String(newMC(t, msg{}))
			after := time.Now().Format(tc.layout)
			if err != nil || !regexp.MustCompile(tc.pattern).MatchString(got) || (got != before && got != after) {
				t.Errorf("%s = %q, %v; want now as %s", tc.expr, got, err, tc.layout)
			}
		})
	}
	ms, _ := mustCompile(t, "get-property('SYSTEM_TIME')", nil).String(newMC(t, msg{}))
	if !regexp.MustCompile(`^1\d{12}$`).MatchString(ms) {
		t.Errorf("SYSTEM_TIME = %q, want epoch ms", ms)
	}
}
