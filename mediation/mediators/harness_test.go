package mediators

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
	"github.com/valyala/fasthttp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// testMessageID replaces the random MessageID so transcripts are stable.
const testMessageID = "urn:uuid:00000000-0000-4000-8000-000000000000"

// compileSnippet compiles mediators wrapped in a <sequence> on the same
// line, so line numbers in errors are those of the snippet.
func compileSnippet(src string) (mediation.List, *mediation.Compiler, error) {
	return compileXML("t.xml", `<sequence xmlns="http://ws.apache.org/ns/synapse" name="t">`+src+"</sequence>")
}

// compileXML compiles a sequence file's mediators. It returns the list and
// the compiler (for Refs and NeedsBody).
func compileXML(file, src string) (mediation.List, *mediation.Compiler, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromString(src); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	c := &mediation.Compiler{File: file, Lines: lineMap([]byte(src), doc)}
	l, err := c.List(doc.Root())
	return l, c, err
}

// lineMap is the position pass etree lacks: encoding/xml reports the offset
// of each start tag, and etree's elements come in the same document order.
func lineMap(data []byte, doc *etree.Document) map[*etree.Element]int {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var lines []int
	for {
		off := dec.InputOffset()
		tok, err := dec.RawToken()
		if err != nil {
			break
		}
		if _, ok := tok.(xml.StartElement); ok {
			lines = append(lines, 1+bytes.Count(data[:off], []byte("\n")))
		}
	}
	m := map[*etree.Element]int{}
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		if len(m) < len(lines) {
			m[e] = lines[len(m)]
		}
		for _, ch := range e.ChildElements() {
			walk(ch)
		}
	}
	walk(doc.Root())
	return m
}

// seqMap is a SequenceLookup for <sequence key=> tests.
type seqMap map[string]mediation.Mediator

func (s seqMap) Sequence(name string) mediation.Mediator { return s[name] }

// env is one message under test with its observed log.
type env struct {
	mc   *mediation.MessageContext
	logs *observer.ObservedLogs
}

// newEnv builds a context from raw HTTP text. With a response it is on the
// response path (Out), as after the backend answered.
func newEnv(t testing.TB, rawReq, rawResp string) *env {
	t.Helper()
	req, resp := &fasthttp.Request{}, &fasthttp.Response{}
	if err := req.Read(bufio.NewReader(strings.NewReader(rawHTTP(rawReq)))); err != nil {
		t.Fatalf("request: %v", err)
	}
	mc := &mediation.MessageContext{}
	mc.Reset(req, resp)
	if rawResp != "" {
		if err := resp.Read(bufio.NewReader(strings.NewReader(rawHTTP(rawResp)))); err != nil {
			t.Fatalf("response: %v", err)
		}
		mc.Dir = mediation.Out
	}
	core, logs := observer.New(zapcore.DebugLevel)
	mc.Logger = zap.New(core)
	mc.Props.Set("MessageID", testMessageID)
	return &env{mc: mc, logs: logs}
}

// rawHTTP turns a readable test file (LF line ends, no Content-Length) into
// wire format: CRLF in the head and a Content-Length for the body. A single
// trailing newline of the file is not part of the body.
func rawHTTP(s string) string {
	head, body, _ := strings.Cut(s, "\n\n")
	body = strings.TrimSuffix(body, "\n")
	head = strings.TrimRight(head, "\n")
	lines := strings.Split(head, "\n")
	if body != "" {
		lines = append(lines, fmt.Sprintf("Content-Length: %d", len(body)))
	}
	return strings.Join(lines, "\r\n") + "\r\n\r\n" + body
}

// transcript renders the outcome, the properties, the current message and
// the log lines, in a stable order, for golden files and table tests.
func (e *env) transcript(cont bool, err error) string {
	var b strings.Builder
	mc := e.mc
	outcome := []string{"continue", "respond", "drop", "loopback", "send"}[mc.Outcome]
	fmt.Fprintf(&b, "result: %v\noutcome: %s\n", cont, outcome)
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	if mc.StatusSet() && mc.Dir == mediation.In {
		fmt.Fprintf(&b, "status: %d\n", mc.Resp.StatusCode())
	}
	if p := mc.RESTURLPostfix(); p != "" {
		fmt.Fprintf(&b, "rest-url-postfix: %s\n", p)
	}
	writeProps(&b, "ctx", &mc.Props)
	writeProps(&b, "axis2", &mc.Axis2)
	b.WriteString("--- message\n")
	writeMessage(&b, mc)
	b.WriteString("--- log\n")
	for _, en := range e.logs.AllUntimed() {
		fmt.Fprintf(&b, "%s %q %s\n", en.Level.CapitalString(), en.Message, fieldsOf(en))
	}
	return b.String()
}

func writeProps(b *strings.Builder, scope string, p *mediation.Props) {
	var lines []string
	p.Range(func(k, v string) bool {
		if k != "MessageID" || v != testMessageID {
			lines = append(lines, fmt.Sprintf("%s:%s = %q\n", scope, k, v))
		}
		return true
	})
	sort.Strings(lines)
	for _, l := range lines {
		b.WriteString(l)
	}
}

func writeMessage(b *strings.Builder, mc *mediation.MessageContext) {
	if mc.Dir == mediation.Out {
		fmt.Fprintf(b, "HTTP/1.1 %d\n", mc.Resp.StatusCode())
	} else {
		fmt.Fprintf(b, "%s %s %s\n", mc.Req.Header.Method(), mc.Req.Header.RequestURI(), mc.Req.Header.Protocol())
	}
	var hs []string
	mc.RangeHeaders(func(k, v []byte) { hs = append(hs, string(k)+": "+string(v)) })
	if ct := mc.ContentType(); ct != "" && !containsPrefix(hs, "Content-Type: ") {
		hs = append(hs, "Content-Type: "+ct)
	}
	sort.Strings(hs)
	for _, h := range hs {
		b.WriteString(h + "\n")
	}
	b.WriteString("\n")
	b.Write(mc.Body())
	b.WriteString("\n")
}

func containsPrefix(list []string, p string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func fieldsOf(en observer.LoggedEntry) string {
	var parts []string
	for k, v := range en.ContextMap() {
		parts = append(parts, fmt.Sprintf("%s=%v", k, v))
	}
	sort.Strings(parts)
	return "{" + strings.Join(parts, " ") + "}"
}

// run compiles src, runs it on a request (and response) and returns the
// transcript; a compile error is returned as the transcript's only line.
func run(t testing.TB, src, rawReq, rawResp string, seqs seqMap) string {
	t.Helper()
	l, _, err := compileSnippet(src)
	if err != nil {
		return "compile error: " + err.Error()
	}
	e := newEnv(t, rawReq, rawResp)
	e.mc.Sequences = seqs
	cont, err := l.Mediate(e.mc)
	return e.transcript(cont, err)
}
