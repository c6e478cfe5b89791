package xpath

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// xslot is one Synapse value of a rewritten XPath, computed per evaluation.
type xslot interface {
	value(env Env) string
}

// xarg is a Synapse function argument: a literal or a compiled expression.
type xarg struct {
	lit  string
	expr *Expr
}

func (a xarg) eval(env Env) string {
	if a.expr == nil {
		return a.lit
	}
	s, _ := a.expr.String(env)
	return s
}

func (a xarg) isLit() bool { return a.expr == nil }

// propSlot reads a property by scope ($ctx:x, get-property('axis2','x')).
type propSlot struct{ scope, name string }

func (p propSlot) value(env Env) string {
	v, _ := env.Property(p.scope, p.name)
	return v
}

// urlSlot reads a query parameter ($url:x).
type urlSlot struct{ name string }

func (u urlSlot) value(env Env) string {
	v, _ := env.QueryParam(u.name)
	return v
}

// dateSlot is get-property([scope,] 'SYSTEM_DATE', 'format'); for another
// name the format is ignored, as in Synapse.
type dateSlot struct {
	scope, name string
	format      javaDate
}

func (d dateSlot) value(env Env) string {
	if d.name == "SYSTEM_DATE" {
		return d.format.Format(time.Now())
	}
	v, _ := env.Property(d.scope, d.name)
	return v
}

// callSlot applies fn to arguments evaluated per request.
type callSlot struct {
	fn   func(env Env, args []string) string
	args []xarg
}

func (c callSlot) value(env Env) string {
	var buf [3]string
	vals := buf[:0]
	for _, a := range c.args {
		vals = append(vals, a.eval(env))
	}
	return c.fn(env, vals)
}

type slotBuilder func(r *xpathRewrite, args []xarg) (xslot, error)

// synapseFuncs are the functions Synapse adds to XPath (its
// SynapseXPathFunctionContext); unsupportedFuncs are the ones it has and we
// refuse at deploy time rather than fail at request time.
var synapseFuncs = map[string]slotBuilder{
	"get-property": buildGetProperty,
	"base64Encode": strFunc(1, 2, func(s []string) string { return base64.StdEncoding.EncodeToString([]byte(s[0])) }),
	"base64Decode": strFunc(1, 2, func(s []string) string { return Base64Decode(s[0]) }),
	"url-encode":   strFunc(1, 2, func(s []string) string { return URLEncode(s[0]) }),
}

var unsupportedFuncs = map[string]bool{
	"hmac-generate": true, "encrypt": true, "decrypt": true, "wso2:vault-lookup": true,
}

// strFunc builds a function of min..max string arguments. The optional
// charset argument is accepted and ignored: Go strings are UTF-8.
func strFunc(min, max int, fn func([]string) string) slotBuilder {
	return func(_ *xpathRewrite, args []xarg) (xslot, error) {
		if len(args) < min || len(args) > max {
			return nil, fmt.Errorf("takes %d to %d arguments, got %d", min, max, len(args))
		}
		return callSlot{fn: func(_ Env, s []string) string { return fn(s) }, args: args}, nil
	}
}

func buildGetProperty(_ *xpathRewrite, args []xarg) (xslot, error) {
	if len(args) < 1 || len(args) > 3 {
		return nil, fmt.Errorf("takes 1 to 3 arguments, got %d", len(args))
	}
	for _, a := range args {
		if !a.isLit() {
			return callSlot{fn: getPropertyDynamic, args: args}, nil
		}
	}
	scope, name, format, err := splitGetProperty(args[0].lit, lit(args, 1), lit(args, 2), len(args))
	if err != nil {
		return nil, err
	}
	if format == "" {
		return propSlot{scope, name}, nil
	}
	jd, err := compileJavaDate(format)
	if err != nil {
		return nil, err
	}
	return dateSlot{scope, name, jd}, nil
}

func lit(args []xarg, i int) string {
	if i < len(args) {
		return args[i].lit
	}
	return ""
}

// splitGetProperty applies Synapse's argument rules: (name), (scope, name),
// (name, dateFormat) when the first is not a scope, (scope, name, format).
func splitGetProperty(a0, a1, a2 string, n int) (scope, name, format string, err error) {
	switch {
	case n == 1:
		return scopeDefault, a0, "", nil
	case n == 2 && getPropertyScopes[a0]:
		return a0, a1, "", nil
	case n == 2:
		return scopeDefault, a0, a1, nil
	case !getPropertyScopes[a0]:
		return "", "", "", fmt.Errorf("unknown scope %q", a0)
	}
	return a0, a1, a2, nil
}

// getPropertyDynamic is get-property with computed arguments (rare); the
// date format, if any, is compiled per call.
func getPropertyDynamic(env Env, args []string) string {
	var a1, a2 string
	if len(args) > 1 {
		a1 = args[1]
	}
	if len(args) > 2 {
		a2 = args[2]
	}
	scope, name, format, err := splitGetProperty(args[0], a1, a2, len(args))
	if err != nil {
		return ""
	}
	if format != "" && name == "SYSTEM_DATE" {
		jd, err := compileJavaDate(format)
		if err != nil {
			return ""
		}
		return jd.Format(time.Now())
	}
	v, _ := env.Property(scope, name)
	return v
}

// Base64Decode is Synapse's base64Decode: standard base64, padded or not;
// "" when s is not base64.
func Base64Decode(s string) string {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
			return ""
		}
	}
	return string(b)
}

// URLEncode is java.net.URLEncoder.encode with UTF-8: letters, digits
// and .-*_ stay, space becomes '+', every other byte %XX.
func URLEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '*', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
