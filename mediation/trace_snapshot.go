package mediation

import (
	"hash/maphash"
	"slices"
	"strings"
)

// traceSnapshot is what a step may change, taken before and after it:
// every property of the default and axis2 scopes, the current message's
// headers, and a hash of the payload (never the payload itself).
type traceSnapshot struct {
	props    []scoped // sorted by scope, then name
	bodyHash uint64
	bodyLen  int // -1: streamed, not read
	ctype    string
}

type scoped struct{ scope, name, value string }

// axis2Magic are the axis2 names that live on the message rather than in
// mc.Axis2 (scopes.go); a trace shows them as properties.
var axis2Magic = [...]string{"HTTP_SC", "HTTP_METHOD", "REST_URL_POSTFIX", "messageType", "NO_ENTITY_BODY"}

func isAxis2Magic(name string) bool {
	for _, m := range axis2Magic {
		if m == name {
			return true
		}
	}
	return false
}

func (t *Trace) snapshot(mc *MessageContext) traceSnapshot {
	var s traceSnapshot
	mc.Props.Range(func(k, v string) bool {
		s.props = append(s.props, scoped{ScopeDefault, k, v})
		return true
	})
	mc.Axis2.Range(func(k, v string) bool {
		if !isAxis2Magic(k) { // read below from the message itself
			s.props = append(s.props, scoped{ScopeAxis2, k, v})
		}
		return true
	})
	for _, k := range axis2Magic {
		if v, ok := mc.axis2Get(k); ok && v != "" {
			s.props = append(s.props, scoped{ScopeAxis2, k, v})
		}
	}
	mc.RangeHeaders(func(k, v []byte) {
		s.props = append(s.props, scoped{ScopeTransport, string(k), string(v)})
	})
	slices.SortStableFunc(s.props, compareScoped)
	s.props = collapse(s.props)
	s.ctype = mc.ContentType()
	if mc.streamed() {
		s.bodyLen = -1
		return s
	}
	body := mc.Body()
	s.bodyLen, s.bodyHash = len(body), maphash.Bytes(t.seed, body)
	return s
}

// streamed reports whether the current message's body is a stream, which
// a snapshot must not read (it would buffer a large upload or download).
func (mc *MessageContext) streamed() bool {
	if mc.Dir == Out {
		return mc.Resp.IsBodyStream()
	}
	return mc.Req.IsBodyStream()
}

// diff lists what changed from s to after, in scope and name order,
// redacting secret values, and whether the payload changed.
func (s traceSnapshot) diff(after traceSnapshot) ([]Change, PayloadDiff) {
	var out []Change
	a, b := s.props, after.props
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || len(a) > 0 && less(a[0], b[0]):
			out = append(out, Change{Scope: a[0].scope, Name: a[0].name, Op: "removed", Before: Redact(a[0].name, a[0].value)})
			a = a[1:]
		case len(a) == 0 || less(b[0], a[0]):
			out = append(out, Change{Scope: b[0].scope, Name: b[0].name, Op: "set", After: Redact(b[0].name, b[0].value)})
			b = b[1:]
		default:
			if a[0].value != b[0].value {
				out = append(out, Change{Scope: b[0].scope, Name: b[0].name, Op: "changed",
					Before: Redact(a[0].name, a[0].value), After: Redact(b[0].name, b[0].value)})
			}
			a, b = a[1:], b[1:]
		}
	}
	pd := PayloadDiff{Changed: s.bodyLen != after.bodyLen || s.bodyHash != after.bodyHash || s.ctype != after.ctype}
	if pd.Changed {
		pd.ContentType, pd.Length = after.ctype, after.bodyLen
	}
	return out, pd
}

func less(a, b scoped) bool { return compareScoped(a, b) < 0 }

func compareScoped(a, b scoped) int {
	if c := strings.Compare(a.scope, b.scope); c != 0 {
		return c
	}
	return strings.Compare(a.name, b.name)
}

// collapse joins the values of a repeated name (Set-Cookie twice) into one
// entry, so that each name is compared once.
func collapse(props []scoped) []scoped {
	out := props[:0]
	for _, p := range props {
		if n := len(out); n > 0 && out[n-1].scope == p.scope && out[n-1].name == p.name {
			out[n-1].value += ", " + p.value
			continue
		}
		out = append(out, p)
	}
	return out
}
