// Package backend is the sample backend the bundled samples call: a small
// net/http server (it is not the gateway, so net/http is fine) that answers
// every request with a JSON description of what it received, so a curl
// through the gateway shows what the sequences did to the request. A few
// realistic routes (/orders/{id}, /weather/{city}) answer like a real
// service would.
package backend

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// maxEchoBody bounds what the echo reads from a request body.
const maxEchoBody = 1 << 20

// Handler returns the sample backend's routes: GET /orders/{id}, GET
// /weather/{city}, and an echo of the request for everything else.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders/{id}", order)
	mux.HandleFunc("GET /weather/{city}", weather)
	mux.HandleFunc("/", echo)
	return mux
}

// Start serves Handler on addr and returns a stop func that shuts the server
// down gracefully. A host-less addr (":9000") listens on 127.0.0.1 only:
// the sample backend is never meant to face a network.
func Start(addr string) (stop func(), err error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("sample backend: address %q: %w", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, fmt.Errorf("sample backend: %w", err)
	}
	return Serve(ln), nil
}

// Serve serves Handler on ln until the returned stop func is called. It is
// Start for callers that already hold a listener (tests on port 0).
func Serve(ln net.Listener) (stop func()) {
	srv := &http.Server{
		Handler:           Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Serve returns ErrServerClosed after stop, or an error when the
		// listener breaks; either way the backend is gone and the gateway's
		// calls will say so.
		_ = srv.Serve(ln)
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
		}
		<-done
	}
}

// Echo is what the catch-all route answers: the request as the backend saw it.
type Echo struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   string            `json:"query"`
	Headers map[string]string `json:"headers"`
	// Body is the request body as JSON when it parses, else as a JSON string.
	Body    json.RawMessage `json:"body"`
	Backend string          `json:"backend"`
}

func echo(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEchoBody))
	if err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "body too large"})
		return
	}
	writeJSON(w, http.StatusOK, Echo{
		Method:  r.Method,
		Path:    r.URL.Path,
		Query:   r.URL.RawQuery,
		Headers: headers(r),
		Body:    bodyJSON(body),
		Backend: "sample",
	})
}

// headers flattens the request headers (values joined by ", ") and adds
// Host, which net/http keeps apart from the header map.
func headers(r *http.Request) map[string]string {
	out := make(map[string]string, len(r.Header)+1)
	for k, v := range r.Header {
		out[k] = strings.Join(v, ", ")
	}
	if r.Host != "" {
		out["Host"] = r.Host
	}
	return out
}

// bodyJSON returns body itself when it is valid JSON, else the body as a
// JSON string ("" for no body).
func bodyJSON(body []byte) json.RawMessage {
	if len(body) > 0 && json.Valid(body) {
		return json.RawMessage(body)
	}
	s, _ := json.Marshal(string(body)) // marshalling a string cannot fail
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":"encoding failed"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}
