package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAdminConsoleEndpoints covers what the web console adds to the admin
// API, without a browser: a sequence's source, a compile that writes
// nothing (the error's line), explain on the running config, listeners
// and the fault log.
func TestAdminConsoleEndpoints(t *testing.T) {
	r := startAdminAPI(t, "127.0.0.1:0", "")
	const name = "admin--Open:v1.0.0--In"
	base := "/admin/tenants/carbon.super/sequences/" + name
	good := "<?xml version=\"1.0\"?>\n" + seqXML(name, `<log level="custom"/>`) + "\n"
	if st, body := r.send("PUT", base, good, "Content-Type", "application/xml"); st != 201 {
		t.Fatalf("PUT: %d %s", st, body)
	}
	decode := func(body string) map[string]any {
		var m map[string]any
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		return m
	}
	st, body := r.send("GET", base+"/source", "")
	if m := decode(body); st != 200 || m["xml"] != good || m["state"] != "active" {
		t.Errorf("GET source: %d %v", st, m)
	}
	if st, _ := r.send("GET", "/admin/tenants/carbon.super/sequences/nope/source", ""); st != 404 {
		t.Errorf("GET source of an unknown sequence: %d, want 404", st)
	}

	broken := "<?xml version=\"1.0\"?>\n<sequence xmlns=\"http://ws.apache.org/ns/synapse\" name=\"" + name + "\">\n<nosuchmediator/>\n</sequence>\n"
	st, body = r.send("POST", base+"/validate", broken, "Content-Type", "application/xml")
	if m := decode(body); st != 422 || m["valid"] != false || m["line"] != float64(3) || !strings.Contains(m["error"].(string), "nosuchmediator") {
		t.Errorf("validate broken: %d %v", st, m)
	}
	file := filepath.Join(r.root, superSeqDir, name+".xml")
	if data, _ := os.ReadFile(file); string(data) != good {
		t.Errorf("validate wrote the file: %q", data)
	}
	st, body = r.send("POST", base+"/validate", good, "Content-Type", "application/xml")
	if m := decode(body); st != 200 || m["valid"] != true {
		t.Errorf("validate good: %d %v", st, m)
	}
	if st, _ := r.send("POST", base+"/validate", good, "Content-Type", "text/plain"); st != 415 {
		t.Errorf("validate as text/plain: %d, want the guard's 415", st)
	}

	st, body = r.send("GET", "/admin/explain?tenant=carbon.super&method=GET&path=/open/1.0.0/x", "")
	var rep struct {
		API   struct{ Name string } `json:"api"`
		Chain struct {
			Handlers []string `json:"handlers"`
			Position string   `json:"extension_handler_position"`
		} `json:"chain"`
	}
	if err := json.Unmarshal([]byte(body), &rep); err != nil || st != 200 || rep.API.Name != "admin--Open:v1.0.0" || len(rep.Chain.Handlers) == 0 {
		t.Errorf("explain: %d %s", st, body)
	}
	for _, q := range []string{"", "?method=GET", "?tenant=nope.example&method=GET&path=/x"} {
		if st, body := r.send("GET", "/admin/explain"+q, ""); st != 400 || !strings.Contains(body, "error") {
			t.Errorf("explain%s: %d %s, want 400", q, st, body)
		}
	}
	st, body = r.send("GET", "/admin/listeners", "")
	if m := decode(body); st != 200 || "http://"+m["admin"].(string) != r.admin || m["http"] != r.traffic || m["admin_token"] != false {
		t.Errorf("listeners: %d %v (admin %s, traffic %s)", st, m, r.admin, r.traffic)
	}
	st, body = r.send("GET", "/admin/faults", "")
	if m := decode(body); st != 200 || m["faults"] == nil {
		t.Errorf("faults: %d %v", st, m)
	}
}
