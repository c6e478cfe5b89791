package mediation

import (
	"strings"
	"testing"
)

type noopMediator struct{}

func (noopMediator) Mediate(*MessageContext) (bool, error) { return true, nil }

func noopClass([]ClassProperty) (Mediator, error) { return noopMediator{}, nil }

func TestRegisterClass(t *testing.T) {
	RegisterClass("test.class.First", noopClass)
	tests := []struct {
		name      string
		class     string
		f         ClassFactory
		wantPanic string
	}{
		{"empty name", "", noopClass, "empty class name"},
		{"nil factory", "test.class.Nil", nil, "nil factory"},
		{"duplicate", "test.class.First", noopClass, `"test.class.First" registered twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.Contains(s, tt.wantPanic) {
					t.Fatalf("panic = %v, want one containing %q", r, tt.wantPanic)
				}
			}()
			RegisterClass(tt.class, tt.f)
		})
	}
	if _, ok := LookupClass("test.class.First"); !ok {
		t.Error("registered class not found")
	}
	if _, ok := LookupClass("test.class.Missing"); ok {
		t.Error("unregistered class found")
	}
	found := false
	for _, n := range RegisteredClasses() {
		found = found || n == "test.class.First"
	}
	if !found {
		t.Error("RegisteredClasses misses test.class.First")
	}
}

func TestUnknownClassError(t *testing.T) {
	got := UnknownClassError("org.x.Y")
	want := `unknown class mediator "org.x.Y": register a Go mediator with mediation.RegisterClass, or load a WebAssembly module with name="wasm:KEY" (README: Custom mediators in WebAssembly)`
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
