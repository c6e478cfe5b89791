package admin

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPIValid validates openapi.yaml as an OpenAPI 3 document (refs
// resolve, schemas and parameters are well formed). That the handlers
// answer what it says is checked end to end in cmd/seqgate
// (TestAdminOpenAPI).
func TestOpenAPIValid(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPI)
	if err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if doc.Paths.Find("/admin/tenants/{tenant}/sequences/{name}").Put == nil {
		t.Error("the sequence upload is not documented")
	}
}
