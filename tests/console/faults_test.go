package console

import (
	"encoding/json"
	"testing"
)

// TestAdminFaults (no browser): requests to an API whose backend refuses
// connections are listed by GET /admin/faults, newest first, with the
// status, ERROR_CODE, the client's path without its query (which may carry
// a key) and the API's fault sequence that handled them; a request that
// succeeded is not.
func TestAdminFaults(t *testing.T) {
	g := start(t, setup{files: files()})
	get(t, g.traffic+"/orders/1.0.0/1")
	for _, p := range []string{"/down/1.0.0/a?apikey=k1", "/down/1.0.0/b?apikey=k2"} {
		if st, h, _ := get(t, g.traffic+p); st < 500 || h.Get("X-Fault") != "handled" {
			t.Fatalf("GET %s: %d, X-Fault %q: want a 5xx from the fault sequence", p, st, h.Get("X-Fault"))
		}
	}
	st, _, body := get(t, g.admin+"/admin/faults")
	var out struct {
		Faults []struct {
			API, Method, Path, Sequence string
			ErrorCode                   string `json:"error_code"`
			Status                      int
		}
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil || st != 200 {
		t.Fatalf("GET /admin/faults: %d %v %s", st, err, body)
	}
	if len(out.Faults) != 2 {
		t.Fatalf("%d faults, want 2: %s", len(out.Faults), body)
	}
	for i, want := range []string{"/down/1.0.0/b", "/down/1.0.0/a"} {
		f := out.Faults[i]
		if f.Path != want || f.Method != "GET" || f.API != "admin--Down:v1.0.0" || f.Status < 500 || f.ErrorCode == "" || f.Sequence != "admin--Down:v1.0.0--Fault" {
			t.Errorf("fault %d: %+v, want %s handled by admin--Down:v1.0.0--Fault", i, f, want)
		}
	}
}
