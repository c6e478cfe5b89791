package mediators

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/seqgate/seqgate/mediation"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestRegistered(t *testing.T) {
	names := strings.Join(mediation.Registered(), " ")
	for _, want := range []string{"log", "property", "header", "filter", "switch", "payloadFactory", "respond", "drop", "loopback", "sequence"} {
		if !strings.Contains(" "+names+" ", " "+want+" ") {
			t.Errorf("%s not registered (have %s)", want, names)
		}
	}
}

func TestJavaFloat(t *testing.T) {
	tests := []struct {
		in   string
		bits int
		want string
	}{
		{"1", 64, "1.0"},
		{"0", 64, "0.0"},
		{"-2.50", 64, "-2.5"},
		{"0.001", 64, "0.001"},
		{"0.0001", 64, "1.0E-4"},
		{"10000000", 64, "1.0E7"},
		{"1.5e10", 64, "1.5E10"},
		{"0.1", 32, "0.1"},
		{" 3 ", 64, "3.0"},
		{"NaN", 64, "NaN"},
	}
	for _, tt := range tests {
		got, err := convertFloat(tt.in, tt.bits)
		if err != nil || got != tt.want {
			t.Errorf("convertFloat(%q, %d) = %q, %v; want %q", tt.in, tt.bits, got, err, tt.want)
		}
	}
	if _, err := convertFloat("1,5", 64); err == nil {
		t.Error("convertFloat(1,5) succeeded")
	}
}

func TestPropTypes(t *testing.T) {
	tests := []struct {
		name    string
		typ     propType
		in      string
		want    string
		wantErr bool
	}{
		{"int", typeInteger, "+12", "12", false},
		{"int overflow", typeInteger, "2147483648", "", true},
		{"short overflow", typeShort, "40000", "", true},
		{"long", typeLong, "2147483648", "2147483648", false},
		{"bool 1", typeBoolean, "1", "true", false},
		{"bool TRUE", typeBoolean, "TRUE", "true", false},
		{"bool no", typeBoolean, "no", "false", false},
		{"json string", typeJSON, `"Hello World"`, `"Hello World"`, false},
		{"json bare word", typeJSON, `Hello`, "", true},
		{"om", typeOM, `<a><b/></a>`, `<a><b/></a>`, false},
		{"om two roots", typeOM, `<a/><b/>`, "", true},
		{"om text", typeOM, `hello`, "", true},
		{"string", typeString, " as is ", " as is ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.typ.convert(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("convert(%q) = %q, %v; want %q, err=%v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestSplitTemplate(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		nargs int
		lits  []string
		slots []int
	}{
		{"none", `{"a":1}`, 0, []string{`{"a":1}`}, nil},
		{"two", `{"a":"$1","b":$2}`, 2, []string{`{"a":"`, `","b":`, `}`}, []int{0, 1}},
		{"repeat", `$1-$1`, 1, []string{``, `-`, ``}, []int{0, 0}},
		{"beyond args", `$1 $2`, 1, []string{``, ` $2`}, []int{0}},
		{"zero and bare dollar", `$0 $ $x $1`, 1, []string{`$0 $ $x `, ``}, []int{0}},
		{"two digits", `$10`, 10, []string{``, ``}, []int{9}},
		{"two digits, one arg", `$10`, 1, []string{`$10`}, nil},
		{"dollar dollar", `$$1`, 1, []string{`$`, ``}, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitTemplate(tt.in, tt.nargs)
			if !reflect.DeepEqual(got.lits, tt.lits) || !reflect.DeepEqual(got.slots, tt.slots) {
				t.Errorf("splitTemplate(%q) = %q %v; want %q %v", tt.in, got.lits, got.slots, tt.lits, tt.slots)
			}
		})
	}
}

func TestEscapes(t *testing.T) {
	if got := string(appendJSONEscaped(nil, "a\"b\\c\nd\te\x01/é")); got != `a\"b\\c\nd\te\u0001/é` {
		t.Errorf("json escape = %s", got)
	}
	if got := string(appendXMLEscaped(nil, `<a href="x">'&'</a>`)); got != `&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;` {
		t.Errorf("xml escape = %s", got)
	}
}

func TestCompilerBookkeeping(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		refs      []string
		needsBody bool
	}{
		{"static refs", `<sequence key="a"/><filter source="$ctx:x" regex="y"><then sequence="b"/><else sequence="c"/></filter>`, []string{"a", "b", "c"}, false},
		{"dynamic key is no ref, and may read the body", `<sequence key="{$ctx:x}"/>`, nil, true},
		{"header-only", `<log/><property name="a" value="b"/><header name="X" value="y" scope="transport"/>`, nil, false},
		{"log full reads the body", `<log level="full"/>`, nil, true},
		{"payloadFactory writes the body", `<payloadFactory media-type="text"><format>x</format></payloadFactory>`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c, err := compileSnippet(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Refs, tt.refs) || c.NeedsBody != tt.needsBody {
				t.Errorf("refs %v needsBody %v; want %v %v", c.Refs, c.NeedsBody, tt.refs, tt.needsBody)
			}
		})
	}
}

func TestCompileErrorPointsAtLine(t *testing.T) {
	_, _, err := compileSnippet("<log/>\n<filter source=\"$ctx:x\" regex=\"y\">\n  <then>\n    <property name=\"a\" scope=\"system\" value=\"1\"/>\n  </then>\n</filter>")
	want := `t.xml:4: <property>: scope "system" is not supported for writing`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v; want %s", err, want)
	}
}

// TestLogDisabledLevel checks that a log below the logger's level neither
// writes nor allocates: log mediators are on every request's path.
func TestLogDisabledLevel(t *testing.T) {
	l, _, err := compileSnippet(`<log level="full"><property name="p" expression="$trp:X-Trace"/></log>`)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "GET / HTTP/1.1\nHost: h\nX-Trace: 1\n", "")
	core, logs := observer.New(zapcore.WarnLevel)
	e.mc.Logger = zap.New(core)
	allocs := testing.AllocsPerRun(100, func() { l.Mediate(e.mc) })
	if allocs != 0 || logs.Len() != 0 {
		t.Errorf("disabled log: %v allocs, %d entries; want 0, 0", allocs, logs.Len())
	}
	e.mc.Logger = nil
	if cont, err := l.Mediate(e.mc); !cont || err != nil {
		t.Errorf("nil logger: %v %v", cont, err)
	}
}

// TestLogReusesMessage: a <log> whose line repeats hands zap the same
// string (the same bytes in memory, not a new allocation), and a line that
// changes is written as it is now, never as the kept one (values alternate
// and vary here, past the misses after which the kept string is rarely
// replaced).
func TestLogReusesMessage(t *testing.T) {
	l, _, err := compileSnippet(`<log level="custom"><property name="trace" expression="$trp:X-Trace"/></log>`)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "GET / HTTP/1.1\nHost: h\nX-Trace: same\n", "")
	last := func() string { all := e.logs.All(); return all[len(all)-1].Message }
	for i := 0; i < 2; i++ {
		if _, err := l.Mediate(e.mc); err != nil {
			t.Fatal(err)
		}
	}
	first := last()
	if _, err := l.Mediate(e.mc); err != nil {
		t.Fatal(err)
	}
	if again := last(); again != "trace = same" || unsafe.StringData(again) != unsafe.StringData(first) {
		t.Errorf("repeated line %q was made again, not reused", again)
	}
	for i := 0; i < 300; i++ {
		v := []string{"a", "b", "same", strconv.Itoa(i)}[i%4]
		e.mc.Req.Header.Set("X-Trace", v)
		if _, err := l.Mediate(e.mc); err != nil {
			t.Fatal(err)
		}
		if got := last(); got != "trace = "+v {
			t.Fatalf("line %d: %q, want %q", i, got, "trace = "+v)
		}
	}
}

// TestMediate covers behaviour that the golden transcripts show less
// directly, on a table of small snippets.
func TestMediate(t *testing.T) {
	const get = "GET /a/1.0/b?q=1 HTTP/1.1\nHost: h\nX-Trace: t\nContent-Type: text/xml\n"
	tests := []struct {
		name, src, resp string
		want            []string // substrings of the transcript
	}{
		{"header To lands in default scope", `<header name="To" value="http://b/x"/>`, "", []string{`ctx:To = "http://b/x"`}},
		{"payloadFactory xml keeps text/xml", `<payloadFactory><format><a>$1</a></format><args><arg value="1"/></args></payloadFactory>`, "", []string{"Content-Type: text/xml", `<a xmlns="http://ws.apache.org/ns/synapse">1</a>`}},
		{"xmlns empty avoids the synapse namespace", `<payloadFactory><format><a xmlns="">$1</a></format><args><arg value="&lt;b&gt;"/></args></payloadFactory>`, "", []string{`<a xmlns="">&lt;b&gt;</a>`, "Content-Type: text/xml"}},
		{"json literal arg escaped", `<payloadFactory media-type="json"><format>{"a":"$1"}</format><args><arg value="say &quot;hi&quot;"/></args></payloadFactory>`, "", []string{`{"a":"say \"hi\""}`, "Content-Type: application/json"}},
		{"loopback on response path leaves outcome", `<loopback/>`, "HTTP/1.1 200 OK\n", []string{"result: false", "outcome: continue"}},
		{"property messageType on response", `<property name="messageType" value="application/json" scope="axis2"/>`, "HTTP/1.1 200 OK\nContent-Type: text/xml\n", []string{"Content-Type: application/json"}},
		{"remove all transport headers", `<property name="TRANSPORT_HEADERS" scope="axis2" action="remove"/>`, "", []string{"GET /a/1.0/b?q=1 HTTP/1.1\nHost: h\n\n"}},
		{"switch on url param", `<switch source="$url:q"><case regex="1"><property name="q" value="one"/></case></switch>`, "", []string{`ctx:q = "one"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(t, tt.src, get, tt.resp, nil)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("transcript lacks %q:\n%s", w, got)
				}
			}
		})
	}
}
