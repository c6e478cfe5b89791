package seqtest

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxResponseBytes bounds what a case reads of a response.
const maxResponseBytes = 16 << 20

// run sends one case and checks it.
func (e *env) run(c *Case) CaseResult {
	res := CaseResult{Name: c.Name}
	start := time.Now()
	e.logs.TakeAll()
	e.backend.reset(c.Backend)
	status, header, body, err := e.send(c)
	res.Duration = time.Since(start)
	if err != nil {
		res.Failures = []string{"request: " + err.Error()}
		return res
	}
	got := outcome{status: status, header: header, body: body, upstream: e.backend.requests(), logs: e.logLines()}
	res.Failures = c.Expect.check(&got)
	return res
}

func (e *env) send(c *Case) (int, http.Header, []byte, error) {
	path := c.Request.Path
	if c.Tenant != "" && !strings.HasPrefix(path, "/t/") {
		path = "/t/" + c.Tenant + path
	}
	req, err := http.NewRequest(cmp.Or(c.Request.Method, http.MethodGet), e.base+path, strings.NewReader(c.Request.Body))
	if err != nil {
		return 0, nil, nil, err
	}
	for k, v := range c.Request.Headers {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	return resp.StatusCode, resp.Header, body, err
}

// logLines are the messages the log mediator wrote during the case.
func (e *env) logLines() []string {
	var out []string
	for _, en := range e.logs.TakeAll() {
		if en.ContextMap()["mediator"] == "log" {
			out = append(out, en.Message)
		}
	}
	return out
}

// outcome is what a case produced.
type outcome struct {
	status   int
	header   http.Header
	body     []byte
	upstream []Seen
	logs     []string
}

// check returns one line per mismatch: the field, what was wanted, what
// came.
func (x *Expect) check(o *outcome) []string {
	var out []string
	if x.Upstream != nil {
		out = append(out, x.Upstream.check(o.upstream)...)
	}
	if x.Status != 0 && x.Status != o.status {
		out = append(out, fmt.Sprintf("status: want %d, got %d (body %s)", x.Status, o.status, quoteShort(o.body)))
	}
	for _, name := range sortedKeys(x.Headers) {
		m := x.Headers[name]
		v, ok := o.header[http.CanonicalHeaderKey(name)]
		if msg := m.Check(strings.Join(v, ", "), ok); msg != "" {
			out = append(out, fmt.Sprintf("headers.%s: %s", name, msg))
		}
	}
	if x.Body != nil {
		out = append(out, x.Body.check("body", o.body)...)
	}
	for i := range x.Logs {
		out = append(out, checkLogs(&x.Logs[i], o.logs)...)
	}
	return out
}

// checkLogs passes when some line matches m (with absent: when none does).
func checkLogs(m *Matcher, lines []string) []string {
	for _, l := range lines {
		if m.test(l, true) {
			if m.Absent {
				return []string{fmt.Sprintf("logs: want no line %s, got %q", m, l)}
			}
			return nil
		}
	}
	if m.Absent {
		return nil
	}
	return []string{fmt.Sprintf("logs: want a line %s, got %d lines %q", m, len(lines), lines)}
}

func (u *Upstream) check(seen []Seen) []string {
	called := u.Called == nil || *u.Called
	switch {
	case !called && len(seen) > 0:
		return []string{fmt.Sprintf("upstream: want no backend call, got %s %s", seen[0].Method, seen[0].Path)}
	case !called:
		return nil
	case len(seen) == 0:
		return []string{"upstream: want a backend call, got none"}
	}
	s := seen[len(seen)-1]
	var out []string
	for _, f := range []struct {
		name string
		m    *Matcher
		v    string
	}{{"method", u.Method, s.Method}, {"path", u.Path, s.Path}, {"query", u.Query, s.Query}} {
		if f.m != nil {
			if msg := f.m.Check(f.v, true); msg != "" {
				out = append(out, "upstream."+f.name+": "+msg)
			}
		}
	}
	for _, name := range sortedKeys(u.Headers) {
		m := u.Headers[name]
		v, ok := lookupFold(s.Headers, name)
		if msg := m.Check(v, ok); msg != "" {
			out = append(out, fmt.Sprintf("upstream.headers.%s: %s", name, msg))
		}
	}
	if u.Body != nil {
		out = append(out, u.Body.check("upstream.body", []byte(s.Body))...)
	}
	return out
}

func lookupFold(h map[string]string, name string) (string, bool) {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}
