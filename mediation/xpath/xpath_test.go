package xpath_test

import (
	"regexp"
	"strings"
	"testing"
)

func TestXPathString(t *testing.T) {
	jsonMsg := msg{Body: "@order.json", CT: "application/json", Props: props,
		Headers: map[string]string{"X-Trace": "t-1", "Access-Control-Allow-Origin": "*"},
		URI:     "http://localhost/shop/1.0/orders?q=a%20b&page=2", Axis2: map[string]string{"myFlag": "on"}}
	ns := map[string]string{"ord": "http://example.com/order", "m": "http://example.com/stock"}
	cases := []struct {
		name, expr string
		m          msg
		want       string
		needsBody  bool
	}{
		{"concat props and header", "concat(get-property('a'),'-',$trp:X-Trace)", jsonMsg, "alpha-t-1", false},
		{"fn prefix", "fn:concat($ctx:a, '/', $ctx:n)", jsonMsg, "alpha/5", false},
		{"missing property empty", "concat('[', $ctx:nope, ']')", jsonMsg, "[]", false},
		{"boolean of missing", "boolean(get-property('NEXT_ACCESS_UTC_TIME'))", jsonMsg, "false", false},
		{"boolean of set", "boolean($ctx:a)", jsonMsg, "true", false},
		{"string-length compare", "string-length($ctx:a) > 0", jsonMsg, "true", false},
		{"number arithmetic", "$ctx:n * 2 + 1", jsonMsg, "11", false},
		{"division non-integer", "$ctx:n div 2", jsonMsg, "2.5", false},
		{"axis2 scope", "get-property('axis2', 'myFlag')", jsonMsg, "on", false},
		{"axis2 var in concat", "concat($axis2:myFlag, '!')", jsonMsg, "on!", false},
		{"axis2 http method", "concat($axis2:HTTP_METHOD, '')", jsonMsg, "POST", false},
		{"transport scope", "get-property('transport','X-Trace')", jsonMsg, "t-1", false},
		{"header with dashes", "boolean($trp:Access-Control-Allow-Origin)", jsonMsg, "true", false},
		{"url param decoded", "concat($url:q, '|', $url:page)", jsonMsg, "a b|2", false},
		{"dotted names", "concat($ctx:uri.var.id, '')", jsonMsg, "7", false},
		{"literal with dollar and get-property", `concat("$ctx:a get-property('x')", $ctx:a)`, jsonMsg, "$ctx:a get-property('x')alpha", false},
		{"double-quoted literal", `concat("it's ", $ctx:a)`, jsonMsg, "it's alpha", false},
		{"base64Encode of concat", "base64Encode(concat($ctx:user, ':', $ctx:pass))", jsonMsg, "YW5uOnMzY3JldA==", false},
		{"base64 round trip", "base64Decode(base64Encode('héllo'))", jsonMsg, "héllo", false},
		{"url-encode", "url-encode('a b&c*~')", jsonMsg, "a+b%26c*%7E", false},
		{"get-property with computed name", "get-property(concat('us', 'er'))", jsonMsg, "ann", false},
		{"json body path", "//jsonObject/order/id", jsonMsg, "42", true},
		{"body variable path", "$body/jsonObject/order/customer", jsonMsg, "Ann Lee", true},
		{"count items", "count(//items)", jsonMsg, "2", true},
		{"predicate", "//items[qty > 1]/sku", jsonMsg, "A-1", true},
		{"digit key prefix", "//_JsonReader_PD_32X32", jsonMsg, "icon", true},
		{"dollar key prefix", "//_JsonReader_PS_ref", jsonMsg, "r1", true},
		{"null is empty element", "concat('[', //order/note, ']')", jsonMsg, "[]", true},
		{"several nodes serialize", "//items/sku", jsonMsg, "<sku>A-1</sku><sku>B-2</sku>", true},
		{"element without text serializes", "$body/jsonObject/order/note", jsonMsg, "<note></note>", true},
		{"envelope path", "name(/soapenv:Envelope/soapenv:Body/*)", jsonMsg, "jsonObject", true},
		{"body in function arg", "base64Encode(//order/customer)", jsonMsg, "QW5uIExlZQ==", true},
		{"xml namespaced", "//ord:customer", msg{Body: "@order.xml", CT: "application/xml"}, "Ann Lee", true},
		{"xml attribute", "$body/ord:order/@id", msg{Body: "@order.xml", CT: "application/xml"}, "42", true},
		{"xml attribute predicate", "//ord:item[@sku='B-2']/ord:qty", msg{Body: "@order.xml", CT: "text/xml"}, "1", true},
		{"soap body as is", "$body/m:getQuote/m:symbol", msg{Body: "@soap11.xml", CT: "text/xml"}, "IBM", true},
		{"soap header", "$header/m:auth", msg{Body: "@soap11.xml", CT: "text/xml"}, "token-1", true},
		{"soap12 body", "$body/q", msg{Body: "@soap12.xml", CT: "application/soap+xml"}, "WSO2", true},
		{"relative from envelope", "count(*)", msg{Body: "@soap11.xml", CT: "text/xml"}, "2", true},
		{"text payload", "$body/*[local-name()='text']", msg{Body: "hello", CT: "text/plain"}, "hello", true},
		{"empty body envelope", "count($body/*)", msg{}, "0", true},
		{"top-level array", "count(/soapenv:Envelope/soapenv:Body/jsonArray/jsonElement)", msg{Body: `[1,2,3]`, CT: "application/json"}, "3", true},
		{"multiplication not a path", "2 * 3", jsonMsg, "6", false},
		{"operator names", "1 = 1 and 2 div 2 = 1", jsonMsg, "true", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := mustCompile(t, tc.expr, ns)
			if got := e.NeedsBody(); got != tc.needsBody {
				t.Errorf("NeedsBody = %v, want %v", got, tc.needsBody)
			}
			got, err := e.String(newMC(t, tc.m))
			if err != nil {
				t.Fatalf("String: %v", err)
			}
			if got != tc.want {
				t.Errorf("String = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestXPathBool(t *testing.T) {
	m := msg{Body: "@order.json", CT: "application/json", Props: props}
	cases := []struct {
		expr string
		want bool
	}{
		{"boolean($ctx:nope)", false},
		{"$ctx:nope", false},
		{"$ctx:a = 'alpha'", true},
		{"get-property('nope') = ''", true},
		{"//order/express = 'true'", true},
		{"//order/missing", false},
		{"count(//items) = 2", true},
		{"not($ctx:a)", false},
		{"0", false},
		// A boolean compared with a node-set (a bare name: no such element)
		// converts the node-set to a boolean, XPath 1.0 section 3.4, as
		// API-M 4.x's _cors_request_handler_ relies on.
		{"boolean($trp:Access-Control-Allow-Methods) = false", true},
		{"boolean($ctx:a) = false", false},
		{"boolean($ctx:a) != false", true},
		{"boolean($ctx:nope) = true", true}, // <true/> is absent too
		{"false = boolean($ctx:nope)", true},
		{"boolean($ctx:nope) = false and $ctx:a = 'alpha'", true},
		{"not(boolean($ctx:a)) = false", true},
		{"boolean($ctx:a) = soapenv:Body", true}, // the context node (the envelope) has a Body: boolean() of it is true
		{"boolean($ctx:a) = order", false},       // the envelope has no <order> child
	}
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			got, err := mustCompile(t, tc.expr, nil).Bool(newMC(t, m))
			if err != nil || got != tc.want {
				t.Errorf("Bool = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestXPathSystemDate(t *testing.T) {
	mc := newMC(t, msg{})
	cases := []struct{ expr, pattern string }{
		{`get-property('SYSTEM_DATE', "yyyy-MM-dd'T'HH:mm:ss.SSSXXX")`, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$`},
		{"get-property('default', 'SYSTEM_DATE', 'EEE, d MMM yyyy')", `^[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4}$`},
		{"get-property('SYSTEM_TIME')", `^\d{13}$`},
	}
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			got, err := mustCompile(t, tc.expr, nil).String(mc)
			if err != nil || !regexp.MustCompile(tc.pattern).MatchString(got) {
				t.Errorf("String = %q, %v; want match %s", got, err, tc.pattern)
			}
		})
	}
}

func TestXPathCompileErrors(t *testing.T) {
	cases := []struct{ expr, want string }{
		{"$foo", "unknown variable $foo"},
		{"$nosuch:p", "unknown variable $nosuch:p"}, // $func:p is accepted (always ""), see scopes_test.go
		{"concat('a", "unterminated string literal"},
		{"get-property()", "get-property(): takes 1 to 3 arguments"},
		{"get-property('bogus','x','y')", `unknown scope "bogus"`},
		{"get-property('SYSTEM_DATE', 'yyyy-qq')", "unsupported pattern letter"},
		{"base64Encode('a'", "missing ')'"},
		{"hmac-generate('a','b')", "hmac-generate() is not supported"},
		{"//x:y", "x"},
		{"nosuchfn(1)", "nosuchfn"},
		{"1 +", "xpath"},
	}
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			_, err := mediationCompile(tc.expr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestXPathPayloadErrors(t *testing.T) {
	deep := strings.Repeat("<a>", 300) + strings.Repeat("</a>", 300)
	cases := []struct {
		name string
		m    msg
		want string
	}{
		{"xml too deep", msg{Body: deep, CT: "application/xml"}, "too deep"},
		{"json too deep", msg{Body: strings.Repeat("[", 300) + strings.Repeat("]", 300), CT: "application/json"}, "too deep"},
		{"bad xml", msg{Body: "<a><b></a>", CT: "application/xml"}, "parse xml payload"},
		{"bad json", msg{Body: `{"a":`, CT: "application/json"}, "parse json payload"},
	}
	e := mustCompile(t, "count(//*)", nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.String(newMC(t, tc.m))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
