package exprlang

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/seqgate/seqgate/mediation/jsontext"
	"github.com/seqgate/seqgate/mediation/xpath" // url-encode and base64Decode: the same as XPath's
)

// synFuncNames maps Synapse expression function names to ours; the names
// differ because several (contains, startsWith, string, ...) are expr-lang
// operators or builtins with other rules.
var synFuncNames = map[string]string{}

var exprFuncs []expr.Option

type exprFunc func(args ...any) (any, error)

// exprSynapseFuncs are the functions a ${...} expression may call by their
// Synapse names; registered as sg_<name> (synFuncNames says why).
var exprSynapseFuncs = map[string]exprFunc{
	"length": fnLength, "toUpper": str1(strings.ToUpper), "toLower": str1(strings.ToLower),
	"trim": str1(strings.TrimSpace), "subString": fnSubString, "charAt": fnCharAt,
	"startsWith": str2(strings.HasPrefix), "endsWith": str2(strings.HasSuffix), "contains": str2(strings.Contains),
	"replace": fnReplace, "split": fnSplit, "indexOf": fnIndexOf,
	"abs": num1(math.Abs), "floor": num1(math.Floor), "ceil": num1(math.Ceil), "sqrt": num1(math.Sqrt),
	"log": num1(math.Log), "round": num1(math.Round), "pow": fnPow,
	"base64encode": str1(func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }),
	"base64decode": str1(xpath.Base64Decode), "urlEncode": str1(xpath.URLEncode), "urlDecode": fnURLDecode,
	"isNumber": isKind(func(v any) bool { _, ok := v.(string); _, n := toFloat(v); return n && !ok }),
	"isString": isKind(func(v any) bool { _, ok := v.(string); return ok }),
	"isArray":  isKind(func(v any) bool { _, ok := v.([]any); return ok }),
	"isObject": isKind(func(v any) bool { _, ok := v.(map[string]any); return ok }),
	"integer":  fnInteger, "float": fnFloat, "string": fnString, "boolean": fnBoolean,
	"exists": func(a ...any) (any, error) { return len(a) == 1 && a[0] != nil, nil },
	"now":    func(...any) (any, error) { return time.Now().UnixMilli(), nil },
}

// envFuncs are what the rewritten program calls to read the message
// (payload, properties, parameters): the rewrite in exprlang_rewrite.go
// turns payload.x, props.*, params.* into calls of these, with sgmc first.
var envFuncs = []expr.Option{
	expr.Function("sgPayload", envFunc(func(env Env, _ []any) (any, error) { return env.JSON() })),
	expr.Function("sgProp", envFunc(fnProp)),
	expr.Function("sgQuery", envFunc(func(env Env, a []any) (any, error) {
		v, ok := env.QueryParam(toString(a[0]))
		if !ok {
			return nil, nil
		}
		return v, nil
	})),
	expr.Function("sgURIParam", envFunc(func(env Env, a []any) (any, error) {
		return fnProp(env, []any{scopeDefault, "uri.var." + toString(a[0])})
	})),
}

// init registers both tables as expr-lang functions once.
func init() {
	for name, fn := range exprSynapseFuncs {
		synFuncNames[name] = "sg_" + name
		exprFuncs = append(exprFuncs, expr.Function("sg_"+name, fn))
	}
	exprFuncs = append(exprFuncs, envFuncs...)
}

var errArgs = errors.New("wrong arguments")

// envFunc adapts a lookup on the Env (first argument sgmc).
func envFunc(fn func(env Env, args []any) (any, error)) exprFunc {
	return func(a ...any) (any, error) {
		env, ok := a[0].(Env)
		if !ok || env == nil {
			return nil, errArgs
		}
		return fn(env, a[1:])
	}
}

func fnProp(env Env, a []any) (any, error) {
	if len(a) != 2 {
		return nil, errArgs
	}
	v, ok := env.Property(toString(a[0]), toString(a[1]))
	if !ok {
		return nil, nil
	}
	return v, nil
}

func str1(fn func(string) string) exprFunc {
	return func(a ...any) (any, error) {
		if len(a) != 1 {
			return nil, errArgs
		}
		return fn(toString(a[0])), nil
	}
}

func str2(fn func(string, string) bool) exprFunc {
	return func(a ...any) (any, error) {
		if len(a) != 2 {
			return nil, errArgs
		}
		return fn(toString(a[0]), toString(a[1])), nil
	}
}

func num1(fn func(float64) float64) exprFunc {
	return func(a ...any) (any, error) {
		f, ok := oneFloat(a)
		if !ok {
			return nil, errArgs
		}
		return fn(f), nil
	}
}

func isKind(fn func(any) bool) exprFunc {
	return func(a ...any) (any, error) { return len(a) == 1 && fn(a[0]), nil }
}

func oneFloat(a []any) (float64, bool) {
	if len(a) != 1 {
		return 0, false
	}
	return toFloat(a[0])
}

// toString is a value's Synapse string form.
func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if v == nil {
		return ""
	}
	return jsontext.Value(normalizeNumber(v))
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float32:
		return float64(n), true
	case float64:
		return n, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		return f, err == nil
	}
	return 0, false
}

func toInt(v any) (int, bool) {
	f, ok := toFloat(v)
	return int(f), ok && f == math.Trunc(f)
}

func fnLength(a ...any) (any, error) {
	if len(a) != 1 {
		return nil, errArgs
	}
	switch v := a[0].(type) {
	case nil:
		return 0, nil
	case []any:
		return len(v), nil
	case map[string]any:
		return len(v), nil
	}
	return utf8.RuneCountInString(toString(a[0])), nil
}

func fnSubString(a ...any) (any, error) {
	if len(a) < 2 || len(a) > 3 {
		return nil, errArgs
	}
	r := []rune(toString(a[0]))
	start, ok := toInt(a[1])
	end := len(r)
	if len(a) == 3 {
		var ok2 bool
		end, ok2 = toInt(a[2])
		ok = ok && ok2
	}
	if !ok || start < 0 || end > len(r) || start > end {
		return nil, fmt.Errorf("subString: index out of range")
	}
	return string(r[start:end]), nil
}

func fnCharAt(a ...any) (any, error) {
	if len(a) != 2 {
		return nil, errArgs
	}
	r := []rune(toString(a[0]))
	i, ok := toInt(a[1])
	if !ok || i < 0 || i >= len(r) {
		return nil, fmt.Errorf("charAt: index out of range")
	}
	return string(r[i]), nil
}

func fnReplace(a ...any) (any, error) {
	if len(a) != 3 {
		return nil, errArgs
	}
	s, old, repl := toString(a[0]), toString(a[1]), toString(a[2])
	// The result is sized before it is built: a small body with many
	// matches and a long replacement would otherwise ask for gigabytes.
	n := strings.Count(s, old)
	if old == "" {
		n = utf8.RuneCountInString(s) + 1
	}
	if n > 0 && len(repl) > len(old) && (len(repl)-len(old)) > (maxExprString-len(s))/n {
		return nil, fmt.Errorf("replace: the result would exceed %d bytes", maxExprString)
	}
	return strings.ReplaceAll(s, old, repl), nil
}

// maxExprString bounds a string an expression function builds (1 MiB, the
// default JSON string limit).
const maxExprString = 1 << 20

func fnSplit(a ...any) (any, error) {
	if len(a) != 2 {
		return nil, errArgs
	}
	parts := strings.Split(toString(a[0]), toString(a[1]))
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

func fnIndexOf(a ...any) (any, error) {
	if len(a) < 2 || len(a) > 3 {
		return nil, errArgs
	}
	s, sub := []rune(toString(a[0])), toString(a[1])
	from := 0
	if len(a) == 3 {
		if f, ok := toInt(a[2]); ok && f > 0 && f <= len(s) {
			from = f
		}
	}
	i := strings.Index(string(s[from:]), sub)
	if i < 0 {
		return -1, nil
	}
	return from + utf8.RuneCountInString(string(s[from:])[:i]), nil
}

func fnPow(a ...any) (any, error) {
	if len(a) != 2 {
		return nil, errArgs
	}
	x, ok1 := toFloat(a[0])
	y, ok2 := toFloat(a[1])
	if !ok1 || !ok2 {
		return nil, errArgs
	}
	return math.Pow(x, y), nil
}

func fnURLDecode(a ...any) (any, error) {
	if len(a) != 1 {
		return nil, errArgs
	}
	return url.QueryUnescape(toString(a[0]))
}

func fnInteger(a ...any) (any, error) {
	f, ok := oneFloat(a)
	if !ok {
		return nil, errArgs
	}
	return int64(f), nil
}

func fnFloat(a ...any) (any, error) {
	f, ok := oneFloat(a)
	if !ok {
		return nil, errArgs
	}
	return f, nil
}

func fnString(a ...any) (any, error) {
	if len(a) != 1 {
		return nil, errArgs
	}
	return toString(a[0]), nil
}

func fnBoolean(a ...any) (any, error) {
	if len(a) != 1 {
		return nil, errArgs
	}
	if b, ok := a[0].(bool); ok {
		return b, nil
	}
	return strconv.ParseBool(toString(a[0]))
}
