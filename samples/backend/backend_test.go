package backend

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestEcho(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()

	tests := []struct {
		name, method, path, body, contentType string
		wantBody                              string // compact JSON of the "body" field
	}{
		{name: "json body kept as json", method: "POST", path: "/orders?x=1", body: `{"item":"book","qty":2}`, contentType: "application/json", wantBody: `{"item":"book","qty":2}`},
		{name: "text body as string", method: "PUT", path: "/anything/else", body: "hello <b>", contentType: "text/plain", wantBody: `"hello \u003cb\u003e"`},
		{name: "no body is empty string", method: "DELETE", path: "/inventory/7", wantBody: `""`},
		{name: "get on orders root echoes", method: "GET", path: "/orders", wantBody: `""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Test", "a")
			req.Header.Add("X-Test", "b")
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			var got Echo
			status := do(t, req, &got)
			if status != http.StatusOK {
				t.Fatalf("status %d, want 200", status)
			}
			path, query, _ := strings.Cut(tt.path, "?")
			if got.Method != tt.method || got.Path != path || got.Query != query || got.Backend != "sample" {
				t.Errorf("got method=%q path=%q query=%q backend=%q", got.Method, got.Path, got.Query, got.Backend)
			}
			if got.Headers["X-Test"] != "a, b" {
				t.Errorf("X-Test = %q, want %q", got.Headers["X-Test"], "a, b")
			}
			if !strings.HasPrefix(got.Headers["Host"], "127.0.0.1:") {
				t.Errorf("Host = %q", got.Headers["Host"])
			}
			if string(got.Body) != tt.wantBody {
				t.Errorf("body = %s, want %s", got.Body, tt.wantBody)
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()

	tests := []struct {
		name, path string
		status     int
		want       map[string]any
	}{
		{name: "order", path: "/orders/42", status: 200, want: map[string]any{"id": "42", "status": "shipped", "customer": "carol", "total": 51.5, "backend": "sample"}},
		{name: "order is stable", path: "/orders/42", status: 200, want: map[string]any{"id": "42", "status": "shipped"}},
		{name: "order not numeric", path: "/orders/abc", status: 404, want: map[string]any{"error": "order not found", "id": "abc"}},
		{name: "weather", path: "/weather/Paris", status: 200, want: map[string]any{"city": "Paris", "backend": "sample"}},
		{name: "weather bad city", path: "/weather/P4ris", status: 400, want: map[string]any{"error": "unknown city"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+tt.path, nil)
			var got map[string]any
			if status := do(t, req, &got); status != tt.status {
				t.Fatalf("status %d, want %d", status, tt.status)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
		})
	}
}

func TestWeatherIsStable(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	var a, b Weather
	req, _ := http.NewRequest("GET", srv.URL+"/weather/Lisbon", nil)
	do(t, req, &a)
	req, _ = http.NewRequest("GET", srv.URL+"/weather/lisbon", nil)
	do(t, req, &b)
	if a.TemperatureC != b.TemperatureC || a.Conditions != b.Conditions || a.Conditions == "" {
		t.Errorf("weather differs by case or is empty: %+v vs %+v", a, b)
	}
}

func TestStart(t *testing.T) {
	tests := []struct {
		name    string
		addr    func(t *testing.T) string
		wantErr string
	}{
		{name: "explicit host", addr: func(t *testing.T) string { return freeAddr(t) }},
		{name: "hostless listens on loopback", addr: func(t *testing.T) string {
			_, port, _ := net.SplitHostPort(freeAddr(t))
			return ":" + port
		}},
		{name: "bad address", addr: func(*testing.T) string { return "nonsense" }, wantErr: "sample backend: address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := tt.addr(t)
			stop, err := Start(addr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, port, _ := net.SplitHostPort(addr)
			url := "http://127.0.0.1:" + port + "/orders/1"
			req, _ := http.NewRequest("GET", url, nil)
			var o Order
			if status := do(t, req, &o); status != 200 || o.ID != "1" {
				t.Fatalf("status %d order %+v", status, o)
			}
			stop()
			if _, err := http.Get(url); err == nil {
				t.Fatal("backend still answers after stop")
			}
		})
	}
}

func TestStartPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if stop, err := Start(ln.Addr().String()); err == nil {
		stop()
		t.Fatal("Start on a busy port succeeded")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func do(t *testing.T, req *http.Request, into any) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if err := json.Unmarshal(data, into); err != nil {
		t.Fatalf("response %q: %v", data, err)
	}
	return resp.StatusCode
}
