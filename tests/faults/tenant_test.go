package faults

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestTenantFolderAppears: tenant 1's sequences folder appears with 2,000
// files at once (renamed into place). All deploy within a few seconds,
// while the super tenant keeps serving its sequences throughout.
func TestTenantFolderAppears(t *testing.T) {
	const n = 2000
	g := startGateway(t, nil, false)
	g.expect("/echo/v1/x", "seq=super")
	g.expect("/t/acme.com/acme/v1/x", "seq=")
	// Staged next to the target (same file system) so the rename is atomic.
	staging := filepath.Join(filepath.Dir(g.acmeDir), "staging")
	mkdir(t, staging)
	writeFile(t, filepath.Join(staging, "acme_in.xml"), seqXML("Acme", "acme"))
	for i := 1; i < n; i++ {
		writeFile(t, filepath.Join(staging, fmt.Sprintf("s%04d.xml", i)),
			fmt.Sprintf(`<sequence xmlns="http://ws.apache.org/ns/synapse" name="s%04d"><log level="simple"/></sequence>`, i))
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var superErr error
	wg.Add(1)
	go func() { // the super tenant, while tenant 1 deploys
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			r, err := client.Get("http://" + g.traffic + "/echo/v1/x")
			if err != nil {
				superErr = err
				return
			}
			b := make([]byte, 64)
			k, _ := r.Body.Read(b)
			r.Body.Close()
			if r.StatusCode != 200 || string(b[:k]) != "seq=super" {
				superErr = fmt.Errorf("super tenant answered %d %q during the deploy", r.StatusCode, b[:k])
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()

	if err := os.Rename(staging, g.acmeDir); err != nil {
		t.Fatal(err)
	}
	took := g.eventually(5*time.Second, "2,000 files deployed", func() bool {
		st := g.status("acme.com")
		if len(st.Files) != n {
			return false
		}
		for _, f := range st.Files {
			if f.State != "active" {
				t.Fatalf("%s: %s %s", f.File, f.State, f.Error)
			}
		}
		return true
	})
	close(stop)
	wg.Wait()
	if superErr != nil {
		t.Fatal(superErr)
	}
	t.Logf("2,000 files deployed %v after the rename", took)
	g.logged(`"tenant":"acme.com","name":"s1999"`)
	g.untouched()
}
