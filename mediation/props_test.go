package mediation

import (
	"strconv"
	"testing"
)

// requestKeys are the properties one request of the bench `mediation`
// scenario holds by the end of its response sequences (32).
var requestKeys = []string{
	"SYNAPSE_REST_API", "SYNAPSE_REST_API_VERSION", "REST_API_CONTEXT", "TENANT_DOMAIN", "REST_METHOD",
	"REST_FULL_REQUEST_PATH", "REST_SUB_REQUEST_PATH", "api.ut.consumerKey", "api.ut.application.name",
	"api.ut.application.id", "api.ut.userId", "APPLICATION_NAME", "END_USER_NAME", "api.ut.api",
	"api.ut.version", "api.ut.api_version", "api.ut.context", "api.ut.resource", "api.ut.HTTP_METHOD",
	"api.ut.apiPublisher", "gi.app", "gi.json", "gi.read", "ai.app", "ai.json", "ai.read",
	"go.app", "go.json", "go.read", "ao.app", "ao.json", "ao.read",
}

func TestProps(t *testing.T) {
	var p Props
	for round := 0; round < 2; round++ { // the second round runs on reused storage
		for i, k := range requestKeys {
			p.Set(k, strconv.Itoa(i))
		}
		p.Set("", "empty key")
		p.Set("gi.app", "again")
		if p.Len() != len(requestKeys)+1 {
			t.Fatalf("len %d, want %d", p.Len(), len(requestKeys)+1)
		}
		for i, k := range requestKeys {
			want := strconv.Itoa(i)
			if k == "gi.app" {
				want = "again"
			}
			if v, ok := p.Get(k); !ok || v != want {
				t.Fatalf("get %q = %q %v, want %q", k, v, ok, want)
			}
		}
		for _, k := range []string{"gi.ap", "gi.appx", "xi.app", "go.jsom", "api.ut.HTTP_METHOd"} {
			if v, ok := p.Get(k); ok {
				t.Fatalf("get %q = %q, want unset", k, v)
			}
		}
		if v, ok := p.Get(""); !ok || v != "empty key" {
			t.Fatalf("empty key: %q %v", v, ok)
		}
		p.Del("REST_METHOD")
		p.Del("not set")
		if _, ok := p.Get("REST_METHOD"); ok || p.Len() != len(requestKeys) {
			t.Fatalf("after Del: len %d", p.Len())
		}
		if v, _ := p.Get("ao.read"); v != strconv.Itoa(len(requestKeys)-1) {
			t.Fatalf("after Del, last key reads %q", v)
		}
		var order []string
		p.Range(func(k, _ string) bool { order = append(order, k); return len(order) < 3 })
		if len(order) != 3 || order[0] != "SYNAPSE_REST_API" || order[2] != "REST_API_CONTEXT" {
			t.Fatalf("range order %q", order)
		}
		p.Reset()
		if p.Len() != 0 {
			t.Fatal("reset left properties")
		}
		if _, ok := p.Get("gi.app"); ok {
			t.Fatal("reset left gi.app readable")
		}
	}
}

// BenchmarkProps is one request's property traffic: 32 keys set on a reset
// map, then a read of each.
func BenchmarkProps(b *testing.B) {
	var p Props
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p.Reset()
		for _, k := range requestKeys {
			p.Set(k, k)
		}
		for _, k := range requestKeys {
			if _, ok := p.Get(k); !ok {
				b.Fatal(k)
			}
		}
	}
}

// TestPropsMany goes past the index (indexMax) and back: every key stays
// readable in scan mode, and Reset restores the index.
func TestPropsMany(t *testing.T) {
	var p Props
	for round := 0; round < 2; round++ {
		n := indexMax + 40
		for i := 0; i < n; i++ {
			p.Set("k"+strconv.Itoa(i), strconv.Itoa(i))
		}
		for i := 0; i < n; i++ {
			if v, ok := p.Get("k" + strconv.Itoa(i)); !ok || v != strconv.Itoa(i) {
				t.Fatalf("round %d: k%d = %q %v", round, i, v, ok)
			}
		}
		if !p.scan || p.Len() != n {
			t.Fatalf("round %d: scan %v len %d", round, p.scan, p.Len())
		}
		p.Reset()
		p.Set("a", "1")
		if p.scan {
			t.Fatal("Reset kept scan mode")
		}
		if v, ok := p.Get("a"); !ok || v != "1" {
			t.Fatalf("after Reset: %q %v", v, ok)
		}
		p.Reset()
	}
}
