package mediation

import "errors"

// Placeholders until the engines land; replaced by xpath.go, jsonpath.go and
// exprlang.go.
var errEngine = errors.New("expression engine not available")

func compileJSONPath(src, path string) (Expression, error)              { return nil, errEngine }
func compileExprLang(src, body string) (Expression, error)              { return nil, errEngine }
func compileXPath(src string, ns map[string]string) (Expression, error) { return nil, errEngine }

// XMLPayload returns the payload as an XML document (pending).
func (mc *MessageContext) XMLPayload() (any, error) { return nil, errEngine }
