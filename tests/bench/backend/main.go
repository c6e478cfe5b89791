// Command backend is the bench backend of ../shared/bench/compare.sh, kept
// in the project so the tools under tests/bench can start it on their own
// ports: it answers 75 bytes of JSON and echoes X-Req-Added back as
// X-Saw-Req-Added. One addition: a request carrying "X-Echo: 1" gets its
// own body back, so a pre-flight check can see what a gateway sent on
// (payload rewrites). Standard library only, like compare.sh's.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
	"strconv"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18080", "listen address")
	flag.Parse()
	body := []byte(`{"status":"ok","service":"bench-backend","items":[1,2,3],"message":"hello"}`)
	clen := strconv.Itoa(len(body))
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if v := r.Header.Get("X-Req-Added"); v != "" {
			h["X-Saw-Req-Added"] = []string{v}
		}
		if r.Header.Get("X-Echo") == "1" {
			echo(w, r)
			return
		}
		// Drain the request body so POST benchmarks cost the backend the
		// same whichever proxy sent them.
		_, _ = io.Copy(io.Discard, r.Body)
		h["Content-Type"] = []string{"application/json"}
		h["Content-Length"] = []string{clen}
		_, _ = w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}

// echo answers the request body as received, with its content type.
func echo(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
