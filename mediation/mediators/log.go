package mediators

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// logMediator is <log>: one log line assembled like Synapse's LogMediator
// (simple: To, addressing fields, Direction; headers: the transport
// headers; full: simple plus the payload; custom: only the properties),
// then the child <property> values as "name = value", joined by the
// separator; full ends with WSO2's "Envelope: <?xml ...?><soapenv:Envelope
// ..." (or "Payload: " and the JSON text) after the properties, as WSO2's
// LogMediator does, so parsers of its logs read ours. It is written as one zap entry at the category's level, and
// nothing is formatted when that level is disabled: log mediators sit on
// the hot path of most sequences.
type logMediator struct {
	level  logLevel
	zlevel zapcore.Level
	sep    string
	props  []logProp
	fields []zap.Field // "mediator":"log", plus "category" for TRACE/FATAL
	// last is the last message string this mediator made, handed out
	// again while the line's bytes are the same (message); misses counts
	// the times it was not.
	last   atomic.Pointer[string]
	misses atomic.Uint32
}

type logLevel uint8

const (
	logSimple logLevel = iota
	logHeaders
	logFull
	logCustom
)

type logProp struct {
	name string
	val  valueOrExpr
}

func init() { mediation.Register("log", newLog) }

// Mediate implements mediation.Mediator. An expression error inside a
// property is logged in place of the value, as a log line must not fail a
// request, with one exception: a payload that breaks the payload limits
// (mediation.ErrBadPayload, from the body gate every reader goes through)
// fails it, as it does for <property> and <filter>; otherwise a <log>
// reading the body would let a DTD or a 100,000-deep document through to
// the backend.
func (l *logMediator) Mediate(mc *mediation.MessageContext) (bool, error) {
	if mc.Logger == nil || !mc.Logger.Core().Enabled(l.zlevel) {
		return true, nil
	}
	b := logBufs.Get().(*bytes.Buffer)
	defer logBufs.Put(b)
	b.Reset()
	switch l.level {
	case logSimple:
		l.simple(b, mc)
	case logHeaders:
		l.headers(b, mc)
	case logFull:
		l.simple(b, mc)
	}
	if err := l.properties(b, mc); err != nil {
		return false, err
	}
	if l.level == logFull {
		if err := l.payload(b, mc); err != nil {
			return false, fmt.Errorf("log level=\"full\": %w", err)
		}
	}
	msg := l.message(bytes.TrimPrefix(b.Bytes(), []byte(l.sep)))
	mc.Logger.Log(l.zlevel, msg, l.fields...)
	if b.Cap() > maxPooledLogBuf {
		*b = bytes.Buffer{}
	}
	return true, nil
}

// message is line as the string zap gets. zap may keep it (a request
// trace does), so it cannot share the pooled buffer; but most <log>
// mediators write the same few words on every request ("gi = yes"), so
// the last string made is handed out again while the bytes match: no
// allocation per line. A mediator whose lines always differ (a request id
// in them) stops replacing the kept string after a few misses, and then
// only every 64th miss, so it pays one extra allocation (the *string) on
// 1/64 of its lines. Strings are immutable: sharing one between requests
// and goroutines is safe.
func (l *logMediator) message(line []byte) string {
	if p := l.last.Load(); p != nil && *p == string(line) {
		return *p
	}
	s := string(line)
	if len(s) <= maxKeptLogMsg {
		if n := l.misses.Add(1); n <= 16 || n%64 == 0 {
			l.last.Store(&s)
		}
	}
	return s
}

// maxKeptLogMsg bounds the message a mediator keeps for reuse: a long
// line (headers, full) is rarely the same twice and would pin its memory.
const maxKeptLogMsg = 256

// logBufs pools line buffers: a <log> line used to cost two or three
// allocations as its strings.Builder grew.
var logBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledLogBuf keeps a full-level line with a large payload from pinning
// its buffer in the pool.
const maxPooledLogBuf = 64 << 10

// payload ends a full line as WSO2's LogMediator does (after the
// properties, which its simple part already holds): a JSON payload as
// "Payload: " and its text, any other (XML, SOAP, text, form, none) as
// "Envelope: " and the SOAP envelope Axis2 holds for it, declaration first
// (mediation.AppendLogEnvelope), so parsers of WSO2 logs read our lines.
func (l *logMediator) payload(b *bytes.Buffer, mc *mediation.MessageContext) error {
	body, err := mc.CheckedBody()
	if err != nil {
		return err
	}
	if mc.BodyFormat() == mediation.FormatJSON {
		l.item(b, "Payload: ", string(body))
		return nil
	}
	b.WriteString(l.sep)
	b.WriteString("Envelope: ")
	out, err := mc.AppendLogEnvelope(b.AvailableBuffer())
	if err != nil {
		return err
	}
	b.Write(out)
	return nil
}

func (l *logMediator) item(b *bytes.Buffer, label, v string) {
	b.WriteString(l.sep)
	b.WriteString(label)
	b.WriteString(v)
}

// simple writes the message-information part: To is always written, the
// other addressing fields only when present.
func (l *logMediator) simple(b *bytes.Buffer, mc *mediation.MessageContext) {
	to, ok := mc.Props.Get("To")
	if !ok && mc.Dir == mediation.In {
		to = string(mc.Req.Header.RequestURI())
	}
	l.item(b, "To: ", to)
	// Synapse's order: From, WSAction, SOAPAction, ReplyTo, MessageID.
	l.prop(b, mc, "From", "From: ")
	l.prop(b, mc, "Action", "WSAction: ")
	if sa := mc.Req.Header.Peek("SOAPAction"); len(sa) > 0 {
		l.item(b, "SOAPAction: ", string(sa))
	}
	l.prop(b, mc, "ReplyTo", "ReplyTo: ")
	if id, ok := mc.Property(mediation.ScopeDefault, "MessageID"); ok && id != "" {
		l.item(b, "MessageID: ", id)
	}
	if mc.Dir == mediation.Out {
		l.item(b, "Direction: ", "response")
	} else {
		l.item(b, "Direction: ", "request")
	}
}

func (l *logMediator) prop(b *bytes.Buffer, mc *mediation.MessageContext, name, label string) {
	if v, ok := mc.Props.Get(name); ok && v != "" {
		l.item(b, label, v)
	}
}

// headers writes the transport headers of the current message as
// "Name : value", the shape Synapse uses for header blocks. Credentials
// (apikey, Authorization, Cookie, Set-Cookie, Proxy-Authorization...) are
// written as mediation.Redacted: the same list the trace and the dry-run
// echo use (mediation.SecretName), so a log line never holds them.
func (l *logMediator) headers(b *bytes.Buffer, mc *mediation.MessageContext) {
	mc.RangeHeaders(func(k, v []byte) {
		b.WriteString(l.sep)
		b.Write(k)
		b.WriteString(" : ")
		if len(v) > 0 && mediation.SecretName(string(k)) {
			b.WriteString(mediation.Redacted)
			return
		}
		b.Write(v)
	})
}

func (l *logMediator) properties(b *bytes.Buffer, mc *mediation.MessageContext) error {
	for _, p := range l.props {
		v, err := p.val.eval(mc)
		if errors.Is(err, mediation.ErrBadPayload) {
			return fmt.Errorf("log property %q: %w", p.name, err)
		}
		if err != nil {
			v = fmt.Sprintf("<error: %v>", err)
		}
		b.WriteString(l.sep)
		b.WriteString(p.name)
		b.WriteString(" = ")
		b.WriteString(v)
	}
	return nil
}

func newLog(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	l := &logMediator{sep: ", "}
	var err error
	if l.level, err = parseLogLevel(el, c); err != nil {
		return nil, err
	}
	if l.level == logFull {
		c.NeedsBody = true
	}
	if err := l.parseCategory(el, c); err != nil {
		return nil, err
	}
	if sep, ok := mediation.Attr(el, "separator"); ok {
		l.sep = strings.NewReplacer(`\n`, "\n", `\t`, "\t").Replace(sep)
	}
	if l.props, err = compileLogProps(el, c); err != nil {
		return nil, err
	}
	return l, nil
}

func parseLogLevel(el *etree.Element, c *mediation.Compiler) (logLevel, error) {
	v, ok := mediation.Attr(el, "level")
	if !ok {
		return logSimple, nil
	}
	switch v {
	case "simple":
		return logSimple, nil
	case "headers":
		return logHeaders, nil
	case "full":
		return logFull, nil
	case "custom":
		return logCustom, nil
	}
	return 0, c.Errorf(el, "invalid log level %q; want simple, headers, full or custom", v)
}

// parseCategory maps Synapse categories to zap levels. zap has no TRACE
// (mapped to debug) and its Fatal exits the process (FATAL is logged at
// error level); the original category is kept as a field for those two.
func (l *logMediator) parseCategory(el *etree.Element, c *mediation.Compiler) error {
	l.fields = []zap.Field{zap.String("mediator", "log")}
	v, ok := mediation.Attr(el, "category")
	if !ok {
		l.zlevel = zapcore.InfoLevel
		return nil
	}
	cat := strings.ToUpper(strings.TrimSpace(v))
	switch cat {
	case "INFO":
		l.zlevel = zapcore.InfoLevel
	case "DEBUG":
		l.zlevel = zapcore.DebugLevel
	case "WARN":
		l.zlevel = zapcore.WarnLevel
	case "ERROR":
		l.zlevel = zapcore.ErrorLevel
	case "TRACE":
		l.zlevel = zapcore.DebugLevel
		l.fields = append(l.fields, zap.String("category", cat))
	case "FATAL":
		l.zlevel = zapcore.ErrorLevel
		l.fields = append(l.fields, zap.String("category", cat))
	default:
		return c.Errorf(el, "invalid log category %q; want INFO, TRACE, DEBUG, WARN, ERROR or FATAL", v)
	}
	return nil
}

func compileLogProps(el *etree.Element, c *mediation.Compiler) ([]logProp, error) {
	var props []logProp
	for _, ch := range el.ChildElements() {
		if !mediation.IsSynapse(ch) || ch.Tag != "property" {
			if ch.Tag == "description" {
				continue
			}
			return nil, c.Errorf(ch, "unexpected element in <log>; want <property>")
		}
		name, _ := mediation.Attr(ch, "name")
		if name == "" {
			return nil, c.Errorf(ch, "name attribute is required")
		}
		v, ok, err := compileValueOrExpr(ch, c)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, c.Errorf(ch, "either value or expression is required")
		}
		props = append(props, logProp{name: name, val: v})
	}
	return props, nil
}
