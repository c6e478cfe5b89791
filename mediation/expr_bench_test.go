package mediation_test

import "testing"

// BenchmarkExpr measures evaluation of compiled expressions per request.
func BenchmarkExpr(b *testing.B) {
	m := msg{body: "@order.json", ct: "application/json", props: props,
		headers: map[string]string{"X-Trace": "t-1"}}
	cases := []struct{ name, expr string }{
		{"xpath", "//jsonObject/order/id"},
		{"ctx", "$ctx:a"},
		{"trp", "$trp:X-Trace"},
		{"get-property", "concat(get-property('a'), '-', $trp:X-Trace)"},
		{"json-eval", "json-eval($.order.customer)"},
		{"exprlang", `${var.user + "-" + payload.order.customer}`},
		{"exprlang-object", `${payload.items[0]}`}, // written in the body's order
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			e := mustCompile(b, tc.expr, nil)
			mc := newMC(b, m)
			if _, err := e.String(mc); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := e.String(mc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
