package tracing

import (
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
)

func TestExportURL(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"base URL", "http://127.0.0.1:4318", "http://127.0.0.1:4318/v1/traces"},
		{"trailing slash", "http://c:4318/", "http://c:4318/v1/traces"},
		{"base path kept", "https://c/otlp", "https://c/otlp/v1/traces"},
		{"full traces URL", "http://c:4318/v1/traces", "http://c:4318/v1/traces"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ExportURL(tc.in); got != tc.want {
				t.Errorf("ExportURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestOffIsNil(t *testing.T) {
	p, err := New(config.Tracing{Enabled: false}, nil)
	if err != nil || p != nil || p.Tracer() != nil || p.Shutdown(t.Context()) != nil {
		t.Errorf("tracing off must give a nil provider with a nil tracer: %v %v", p, err)
	}
}
