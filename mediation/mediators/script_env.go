package mediators

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/seqgate/seqgate/mediation"
)

// scriptEnv is the whole environment of a script: one pointer, hidden
// under a name a script cannot write (sgmc). The mc.xxx(...) calls are
// rewritten at compile time into calls of the functions below with sgmc as
// first argument, so a run allocates no closures and a script sees only
// these functions: no file, network or process access exists to reach.
type scriptEnv struct {
	MC *mediation.MessageContext `expr:"sgmc"`
}

type scriptFunc func(mc *mediation.MessageContext, a []any) (any, error)

// scriptMethods are the mc methods a script can call, named as in
// Synapse's ScriptMessageContext.
var scriptMethods = map[string]scriptFunc{
	"getProperty":    scriptGetProperty,
	"setProperty":    scriptSetProperty,
	"removeProperty": scriptRemoveProperty,
	"getPayloadJSON": func(mc *mediation.MessageContext, a []any) (any, error) { return mc.JSON() },
	"setPayloadJSON": scriptSetPayloadJSON,
	"getPayloadText": func(mc *mediation.MessageContext, a []any) (any, error) {
		b, err := mc.CheckedBody()
		return string(b), err
	},
	"getHeader": func(mc *mediation.MessageContext, a []any) (any, error) {
		return mc.Header(argString(a, 0)), nil
	},
	"setHeader": scriptSetHeader,
	"addHeader": scriptSetHeader,
	"removeHeader": func(mc *mediation.MessageContext, a []any) (any, error) {
		mc.DelHeader(argString(a, 0))
		return nil, nil
	},
}

var scriptFuncs []expr.Option

func init() {
	for name, fn := range scriptMethods {
		scriptFuncs = append(scriptFuncs, expr.Function("sgs_"+name, adaptScriptFunc(name, fn)))
	}
}

func adaptScriptFunc(name string, fn scriptFunc) func(...any) (any, error) {
	return func(a ...any) (any, error) {
		mc, ok := a[0].(*mediation.MessageContext)
		if !ok || mc == nil {
			return nil, errors.New("mc." + name + ": no message")
		}
		v, err := fn(mc, a[1:])
		if err != nil {
			return nil, fmt.Errorf("mc.%s: %w", name, err)
		}
		return v, nil
	}
}

// mcCalls rewrites mc.name(args) into sgs_name(sgmc, args) and records
// the first thing a script may not do: an unknown mc method, or an
// iterating builtin (map, filter, reduce...: expr's parser keeps them even
// with all builtins disabled). Any other use of mc stays an unknown name,
// which the checker reports.
type mcCalls struct{ err error }

var iteratingBuiltins = map[string]bool{"all": true, "none": true, "any": true, "one": true, "filter": true,
	"map": true, "find": true, "findIndex": true, "findLast": true, "findLastIndex": true, "count": true,
	"sum": true, "groupBy": true, "sortBy": true, "reduce": true}

func (v *mcCalls) Visit(node *ast.Node) {
	if b, ok := (*node).(*ast.BuiltinNode); ok && iteratingBuiltins[b.Name] && v.err == nil {
		v.err = fmt.Errorf("%s() is not allowed in a script: it iterates", b.Name)
	}
	call, ok := (*node).(*ast.CallNode)
	if !ok {
		return
	}
	m, ok := call.Callee.(*ast.MemberNode)
	if !ok {
		return
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	prop, ok2 := m.Property.(*ast.StringNode)
	if !ok || !ok2 || id.Value != "mc" {
		return
	}
	if _, known := scriptMethods[prop.Value]; !known {
		if v.err == nil {
			v.err = fmt.Errorf("mc.%s is not available; mc offers %s", prop.Value, scriptMethodList())
		}
		return
	}
	args := append([]ast.Node{&ast.IdentifierNode{Value: "sgmc"}}, call.Arguments...)
	ast.Patch(node, &ast.CallNode{Callee: &ast.IdentifierNode{Value: "sgs_" + prop.Value}, Arguments: args})
}

func scriptGetProperty(mc *mediation.MessageContext, a []any) (any, error) {
	if len(a) < 1 || len(a) > 2 {
		return nil, errors.New("want (name[, scope])")
	}
	v, ok := mc.Property(scriptScope(a, 1), argString(a, 0))
	if !ok {
		return nil, nil
	}
	return v, nil
}

func scriptSetProperty(mc *mediation.MessageContext, a []any) (any, error) {
	if len(a) < 2 || len(a) > 3 {
		return nil, errors.New("want (name, value[, scope])")
	}
	mc.SetProperty(scriptScope(a, 2), argString(a, 0), argString(a, 1))
	return nil, nil
}

func scriptRemoveProperty(mc *mediation.MessageContext, a []any) (any, error) {
	if len(a) < 1 || len(a) > 2 {
		return nil, errors.New("want (name[, scope])")
	}
	mc.RemoveProperty(scriptScope(a, 1), argString(a, 0))
	return nil, nil
}

// scriptSetPayloadJSON takes a JSON text or a value (map, array...) and
// makes it the payload, with Content-Type application/json.
func scriptSetPayloadJSON(mc *mediation.MessageContext, a []any) (any, error) {
	if len(a) != 1 {
		return nil, errors.New("want (payload)")
	}
	var text string
	if s, ok := a[0].(string); ok {
		if !json.Valid([]byte(s)) {
			return nil, errors.New("not valid JSON")
		}
		text = s
	} else {
		// a value from getPayloadJSON keeps the payload's member order
		text = string(mediation.AppendJSONOrdered(nil, a[0], mediation.PayloadOrder(mc)))
	}
	mc.SetBody([]byte(text))
	mc.SetContentType("application/json")
	return nil, nil
}

func scriptSetHeader(mc *mediation.MessageContext, a []any) (any, error) {
	if len(a) != 2 {
		return nil, errors.New("want (name, value)")
	}
	mc.SetHeader(argString(a, 0), argString(a, 1))
	return nil, nil
}

// scriptScope maps a scope argument the way <property scope> does.
func scriptScope(a []any, i int) string {
	switch s := strings.ToLower(argString(a, i)); s {
	case "", "default", "synapse", "operation":
		return mediation.ScopeDefault
	case "axis2", "axis2-client":
		return mediation.ScopeAxis2
	default:
		return s
	}
}

func argString(a []any, i int) string {
	if i >= len(a) || a[i] == nil {
		return ""
	}
	if s, ok := a[i].(string); ok {
		return s
	}
	return mediation.JSONText(a[i])
}

func scriptMethodList() string {
	names := make([]string, 0, len(scriptMethods))
	for n := range scriptMethods {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
