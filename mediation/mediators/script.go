package mediators

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/seqgate/seqgate/mediation"
)

// script is <script language="expr">: seqgate's safe replacement for
// Synapse's JavaScript script mediator. The inline body is an expr-lang
// program, compiled once at deploy time, that reaches the message through
// an "mc" object shaped like Synapse's (mc.getProperty, mc.setProperty,
// mc.getPayloadJSON, mc.setPayloadJSON, mc.getHeader, mc.setHeader...; see
// script_env.go). Statements are separated by ";". expr-lang has no loops,
// no file or network access; the program size is capped (scriptMaxNodes),
// iterating builtins are off and each run has a memory budget, so a script
// is bounded. As in Synapse, only a result of false stops the flow.
//
// JavaScript (language js, javascript, rhinoJs, nashornJs, ecmascript)
// runs on goja: see script_js.go. Other JSR-223 languages (groovy, rb,
// py) are a deploy error that says how to rewrite the script.
type script struct {
	prog *vm.Program
	src  string
}

const (
	scriptMaxNodes     = 500
	scriptMemoryBudget = 50_000
)

// scriptBuiltins are the expr-lang builtins a script may use: none of them
// iterates over a collection with a predicate or builds unbounded output.
var scriptBuiltins = []string{"len", "type", "abs", "ceil", "floor", "round", "int", "float", "string",
	"trim", "trimPrefix", "trimSuffix", "upper", "lower", "split", "replace", "join", "indexOf",
	"lastIndexOf", "hasPrefix", "hasSuffix", "max", "min", "toJSON", "fromJSON", "toBase64",
	"fromBase64", "now", "first", "last", "get", "keys", "values"}

func init() { mediation.Register("script", newScript) }

// Mediate implements mediation.Mediator.
func (s *script) Mediate(mc *mediation.MessageContext) (bool, error) {
	machine := vm.VM{MemoryBudget: scriptMemoryBudget}
	out, err := machine.Run(s.prog, scriptEnv{MC: mc})
	if err != nil {
		return false, fmt.Errorf("script: %w", err)
	}
	if b, ok := out.(bool); ok && !b {
		return false, nil
	}
	return true, nil
}

func newScript(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	lang, _ := mediation.Attr(el, "language")
	switch l := strings.ToLower(strings.TrimSpace(lang)); {
	case l == "":
		return nil, c.Errorf(el, "language attribute is required; use language=\"js\" or \"expr\"")
	case jsLanguage(l):
		return newJSScript(el, c)
	case l != "expr":
		return nil, c.Errorf(el, `script language %q is not supported: rewrite the script with language="js" or language="expr" (see README)`, lang)
	}
	src := strings.TrimSpace(charData(el))
	if key, ok := mediation.Attr(el, "key"); ok {
		// The program is the text of a local entry or registry resource,
		// resolved at deploy time like every other key.
		if src != "" || len(el.ChildElements()) > 0 {
			return nil, c.Errorf(el, "use either key= or an inline program, not both")
		}
		res, err := c.MustResource(el, "key", key)
		if err != nil {
			return nil, err
		}
		if res.XML != nil {
			return nil, c.Errorf(el, "key=%q: a script resource must be text; %s holds XML", key, res.File)
		}
		src = strings.TrimSpace(res.Text)
	}
	if len(el.ChildElements()) > 0 {
		return nil, c.Errorf(el, "<script> takes the program as text (wrap it in CDATA if it contains '<')")
	}
	if src == "" {
		return nil, c.Errorf(el, "empty script")
	}
	calls := &mcCalls{}
	opts := append([]expr.Option{expr.Env(scriptEnv{}), expr.MaxNodes(scriptMaxNodes),
		expr.DisableAllBuiltins(), expr.Patch(calls)}, scriptFuncs...)
	for _, b := range scriptBuiltins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	prog, err := expr.Compile(src, opts...)
	if calls.err != nil {
		return nil, c.Errorf(el, "expr program: %v", calls.err)
	}
	if err != nil {
		return nil, c.Errorf(el, "expr program: %v", err)
	}
	c.NeedsBody = true // a script may read or replace the payload
	return &script{prog: prog, src: src}, nil
}
