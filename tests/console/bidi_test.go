package console

// A minimal WebDriver BiDi client for Firefox: current Firefox speaks no
// DevTools protocol any more (chromedp cannot drive it), only BiDi, JSON
// commands over a WebSocket. This is the handful of commands the console
// test needs (session.new, browsingContext.getTree and navigate,
// script.evaluate, session.subscribe for the page's errors), over
// golang.org/x/net/websocket, which is already in the module graph: no new
// module for a test.

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// ffStartTimeout bounds Firefox's start (until it prints its BiDi
// address); ffCallTimeout bounds each command.
const (
	ffStartTimeout = 45 * time.Second
	ffCallTimeout  = 30 * time.Second
)

// firefoxPath is the Firefox to drive, or "" when none is installed.
func firefoxPath() string {
	if p := os.Getenv("SEQGATE_FIREFOX"); p != "" {
		return p
	}
	for _, name := range []string{"firefox-esr", "firefox"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// bidi is one BiDi session with one top-level browsing context (tab).
type bidi struct {
	ws      *websocket.Conn
	context string // the tab's browsing context id

	mu      sync.Mutex
	next    int
	pending map[int]chan bidiMsg
	closed  error    // set when the reader stopped
	errs    []string // JavaScript errors the page logged (log.entryAdded)
}

// bidiMsg is a command's reply or an event.
type bidiMsg struct {
	Type    string          `json:"type"` // success, error, event
	ID      *int            `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Method  string          `json:"method"` // of an event
	Params  json.RawMessage `json:"params"`
}

// ffPrefs keep a fresh profile off the network (the tests talk to
// 127.0.0.1 only): no updates, telemetry, remote settings, safe browsing
// or connectivity checks.
const ffPrefs = `user_pref("app.update.disabledForTesting", true);
user_pref("app.normandy.enabled", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("toolkit.telemetry.server", "");
user_pref("services.settings.server", "data:,#remote-settings-dummy/v1");
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("browser.newtabpage.enabled", false);
`

var bidiListening = regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)

// firefox starts a headless Firefox with a fresh profile and opens a BiDi
// session on its tab. Without Firefox the test is skipped with a message
// that says what to install. Cleanup ends the session, kills Firefox's
// process group (the content processes with it) and removes the profile.
func firefox(t *testing.T) *bidi {
	t.Helper()
	path := firefoxPath()
	if path == "" {
		t.Skip("SKIPPED: no firefox on this machine: the web console's Firefox test needs it (apt-get install firefox-esr; or set SEQGATE_FIREFOX)")
	}
	profile := t.TempDir() // removed after the kill below (Cleanup runs last-in first-out)
	write(t, filepath.Join(profile, "user.js"), ffPrefs)
	cmd := exec.Command(path, "--headless", "--remote-debugging-port=0", "--remote-allow-origins", "http://127.0.0.1",
		"--no-remote", "--profile", profile, "about:blank")
	cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	var b *bidi
	t.Cleanup(func() {
		if b != nil {
			b.close()
		}
		// Only the group this test started: Firefox and its children.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})

	addr := make(chan string, 1)
	var tail strings.Builder // the first lines, for the error message
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			if !sent {
				if tail.Len() < 4096 {
					tail.WriteString(line + "\n")
				}
				if m := bidiListening.FindStringSubmatch(line); m != nil {
					addr <- m[1]
					sent = true
				}
			}
		}
	}()
	var ws string
	select {
	case ws = <-addr:
	case <-time.After(ffStartTimeout):
		t.Fatalf("%s printed no \"WebDriver BiDi listening on\" within %v", path, ffStartTimeout)
	}

	cfg, err := websocket.NewConfig(ws+"/session", "http://127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Dialer = &net.Dialer{Timeout: 10 * time.Second}
	conn, err := websocket.DialConfig(cfg)
	if err != nil {
		t.Fatalf("BiDi connect %s/session: %v", ws, err)
	}
	b = &bidi{ws: conn, pending: map[int]chan bidiMsg{}}
	go b.read()
	b.call(t, "session.new", map[string]any{"capabilities": map[string]any{}})
	var tree struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	b.callInto(t, "browsingContext.getTree", map[string]any{}, &tree)
	if len(tree.Contexts) == 0 {
		var c struct {
			Context string `json:"context"`
		}
		b.callInto(t, "browsingContext.create", map[string]any{"type": "tab"}, &c)
		b.context = c.Context
	} else {
		b.context = tree.Contexts[0].Context
	}
	b.call(t, "session.subscribe", map[string]any{"events": []string{"log.entryAdded"}})
	return b
}

// read dispatches replies to their callers and keeps the page's errors.
func (b *bidi) read() {
	for {
		var raw []byte
		if err := websocket.Message.Receive(b.ws, &raw); err != nil {
			b.mu.Lock()
			b.closed = err
			for id, ch := range b.pending {
				close(ch)
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		var m bidiMsg
		if json.Unmarshal(raw, &m) != nil {
			continue
		}
		if m.ID == nil {
			if m.Method == "log.entryAdded" {
				var e struct {
					Level, Type, Text string
				}
				if json.Unmarshal(m.Params, &e) == nil && e.Level == "error" {
					b.mu.Lock()
					b.errs = append(b.errs, e.Type+": "+e.Text)
					b.mu.Unlock()
				}
			}
			continue
		}
		b.mu.Lock()
		ch := b.pending[*m.ID]
		delete(b.pending, *m.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
}

// send runs one command, bounded by ffCallTimeout.
func (b *bidi) send(method string, params any) (json.RawMessage, error) {
	ch := make(chan bidiMsg, 1)
	b.mu.Lock()
	if b.closed != nil {
		b.mu.Unlock()
		return nil, fmt.Errorf("connection closed: %w", b.closed)
	}
	b.next++
	id := b.next
	b.pending[id] = ch
	b.mu.Unlock()
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return nil, err
	}
	_ = b.ws.SetWriteDeadline(time.Now().Add(ffCallTimeout))
	if err := websocket.Message.Send(b.ws, string(msg)); err != nil {
		return nil, err
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return nil, errors.New("connection closed before the reply")
		}
		if m.Type == "error" {
			return nil, fmt.Errorf("%s: %s", m.Error, m.Message)
		}
		return m.Result, nil
	case <-time.After(ffCallTimeout):
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		return nil, fmt.Errorf("no reply within %v", ffCallTimeout)
	}
}

func (b *bidi) call(t *testing.T, method string, params any) json.RawMessage {
	t.Helper()
	r, err := b.send(method, params)
	if err != nil {
		t.Fatalf("BiDi %s: %v", method, err)
	}
	return r
}

func (b *bidi) callInto(t *testing.T, method string, params, into any) {
	t.Helper()
	if err := json.Unmarshal(b.call(t, method, params), into); err != nil {
		t.Fatalf("BiDi %s reply: %v", method, err)
	}
}

// close drops the connection; Cleanup then kills Firefox (a graceful
// browser.close could hang the cleanup on a stuck browser).
func (b *bidi) close() { _ = b.ws.Close() }

// navigate loads url in the tab and waits until the document is complete.
func (b *bidi) navigate(t *testing.T, url string) {
	t.Helper()
	b.call(t, "browsingContext.navigate", map[string]any{"context": b.context, "url": url, "wait": "complete"})
}

// ffEval evaluates a JavaScript expression in the page (a promise is
// awaited) and decodes its JSON value into T.
func ffEval[T any](t *testing.T, b *bidi, js string) T {
	t.Helper()
	var reply struct {
		Type   string `json:"type"`
		Result struct {
			Type  string          `json:"type"`
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	b.callInto(t, "script.evaluate", map[string]any{
		"expression":   `(async () => JSON.stringify(await (` + js + `)))()`,
		"target":       map[string]any{"context": b.context},
		"awaitPromise": true, "resultOwnership": "none"}, &reply)
	var v T
	if reply.Type == "exception" {
		t.Fatalf("eval %s: %s", js, reply.ExceptionDetails.Text)
	}
	if reply.Result.Type != "string" { // undefined: JSON.stringify had nothing
		return v
	}
	var s string
	if err := json.Unmarshal(reply.Result.Value, &s); err != nil {
		t.Fatalf("eval %s: %v", js, err)
	}
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("eval %s: %q: %v", js, s, err)
	}
	return v
}

// ffWait waits until a JavaScript expression is true (polling), failing
// after timeout with the page's status line.
func ffWait(t *testing.T, b *bidi, what, js string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ffEval[bool](t, b, "!!("+js+")") {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not true within %v: %s (page status: %q)", what, timeout, js,
				ffEval[string](t, b, `document.getElementById("status").textContent`))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ffText is the text content of the first element matching sel ("" when none).
func ffText(t *testing.T, b *bidi, sel string) string {
	t.Helper()
	q, _ := json.Marshal(sel)
	return ffEval[string](t, b, `(document.querySelector(`+string(q)+`) || {}).textContent || ""`)
}

// ffClick clicks the element matching sel.
func ffClick(t *testing.T, b *bidi, sel string) {
	t.Helper()
	q, _ := json.Marshal(sel)
	if !ffEval[bool](t, b, `(() => { const e = document.querySelector(`+string(q)+`); if (!e) return false; e.click(); return true; })()`) {
		t.Fatalf("click %s: no such element", sel)
	}
}

// ffFill sets a text field's value and tells the page, as typing would.
func ffFill(t *testing.T, b *bidi, sel, value string) {
	t.Helper()
	q, _ := json.Marshal(sel)
	v, _ := json.Marshal(value)
	if !ffEval[bool](t, b, `(() => { const e = document.querySelector(`+string(q)+`); if (!e) return false; e.value = `+string(v)+
		`; e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`) {
		t.Fatalf("fill %s: no such element", sel)
	}
}

// pageErrors are the JavaScript errors the page logged so far.
func (b *bidi) pageErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errs...)
}
