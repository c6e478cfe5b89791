package mediators

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
	"github.com/valyala/bytebufferpool"
)

// makefault is <makefault>: the current payload becomes a SOAP 1.1 or 1.2
// Fault envelope, or a POX <Exception>, as Synapse's FaultMediator builds
// it. The Content-Type follows the version (text/xml, application/soap+xml,
// application/xml). Like Synapse (markAsResponse defaults to true) the
// message is marked as a response unless response="false": the default-
// scope property RESPONSE=true is what <send/> reads to answer the client.
// It always continues.
type makefault struct {
	version   faultVersion
	response  bool
	code      faultCode
	reason    valueOrExpr
	hasReason bool // a <reason> was given (pox faults may omit it)
	node      string
	role      string
	detail    faultDetail
}

type faultVersion uint8

const (
	soap11 faultVersion = iota
	soap12
	pox
)

// faultCode is a literal QName (prefix resolved at deploy time) or an
// expression whose string is the local name in the envelope namespace.
type faultCode struct {
	prefix, uri, local string
	expr               mediation.Expression
}

// faultDetail is text, an expression, or inline XML serialized at deploy time.
type faultDetail struct {
	set  bool
	text string
	expr mediation.Expression
	xml  string
}

var faultContentTypes = [...]string{soap11: "text/xml", soap12: "application/soap+xml", pox: "application/xml"}

func init() { mediation.Register("makefault", newMakefault) }

// Mediate implements mediation.Mediator.
func (f *makefault) Mediate(mc *mediation.MessageContext) (bool, error) {
	buf := bytebufferpool.Get()
	defer bytebufferpool.Put(buf)
	var err error
	if f.version == pox {
		err = f.writePOX(buf, mc)
	} else {
		err = f.writeSOAP(buf, mc)
	}
	if err != nil {
		return false, err
	}
	mc.SetBody(buf.B)
	mc.SetContentType(faultContentTypes[f.version])
	if f.response {
		mc.SetProperty(mediation.ScopeDefault, "RESPONSE", "true")
	}
	return true, nil
}

func newMakefault(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	c.NeedsBody = true // it replaces the payload
	f := &makefault{response: true}
	var err error
	if f.version, err = compileFaultVersion(el, c); err != nil {
		return nil, err
	}
	if f.response, err = boolAttr(el, c, "response", true); err != nil {
		return nil, err
	}
	if err = f.compileCode(el, c); err != nil {
		return nil, err
	}
	if err = f.compileReason(el, c); err != nil {
		return nil, err
	}
	f.node = childText(el, "node")
	f.role = childText(el, "role")
	return f, f.compileDetail(el, c)
}

func compileFaultVersion(el *etree.Element, c *mediation.Compiler) (faultVersion, error) {
	switch v, _ := mediation.Attr(el, "version"); v {
	case "":
		return impliedFaultVersion(el), nil
	case "soap11":
		return soap11, nil
	case "soap12":
		return soap12, nil
	case "pox":
		return pox, nil
	default:
		return 0, c.Errorf(el, "invalid version %q; want soap11, soap12 or pox", v)
	}
}

// impliedFaultVersion is the version of a makefault without a version
// attribute. Synapse leaves the version unset then and builds the fault in
// the message's own SOAP version, checking the code against neither list;
// its samples 7 and 370 rely on that with a SOAP 1.2 code
// (soap12:Receiver). We compile the version once: a literal code in the
// SOAP 1.2 envelope namespace selects SOAP 1.2, anything else SOAP 1.1 as
// before.
func impliedFaultVersion(el *etree.Element) faultVersion {
	code := synapseChild(el, "code")
	if code == nil {
		return soap11
	}
	v, ok := mediation.Attr(code, "value")
	if !ok {
		return soap11
	}
	prefix, _, ok := strings.Cut(strings.TrimSpace(v), ":")
	if ok && mediation.Namespaces(code)[prefix] == mediation.SOAP12NS {
		return soap12
	}
	return soap11
}

// validFaultCodes are the codes FaultMediatorFactory accepts per version
// for a literal code in the envelope namespace.
var validFaultCodes = map[faultVersion][]string{
	soap11: {"VersionMismatch", "MustUnderstand", "Client", "Server"},
	soap12: {"VersionMismatch", "MustUnderstand", "DataEncodingUnknown", "Sender", "Receiver"},
}

func (f *makefault) compileCode(el *etree.Element, c *mediation.Compiler) error {
	code := synapseChild(el, "code")
	if code == nil {
		if f.version == pox {
			return nil
		}
		return c.Errorf(el, "<code> is required unless version is pox")
	}
	v, hasVal := mediation.Attr(code, "value")
	if !hasVal {
		e, err := c.Expr(code, "expression")
		if err != nil {
			return err
		}
		if e == nil {
			return c.Errorf(code, "a value or an expression is required")
		}
		f.code.expr = e
		return nil
	}
	prefix, local, ok := strings.Cut(strings.TrimSpace(v), ":")
	if !ok || prefix == "" || local == "" {
		return c.Errorf(code, "value=%q: a QName prefix:name is expected", v)
	}
	uri, declared := mediation.Namespaces(code)[prefix]
	if !declared {
		return c.Errorf(code, "value=%q: namespace prefix %q is not declared", v, prefix)
	}
	f.code = faultCode{prefix: prefix, uri: uri, local: local}
	return f.checkCode(code, c)
}

// checkCode applies FaultMediatorFactory's rule: a SOAP fault code must be
// one of the version's codes in the version's envelope namespace.
func (f *makefault) checkCode(code *etree.Element, c *mediation.Compiler) error {
	if f.version == pox {
		return nil
	}
	want := envelopeNS(f.version)
	if f.code.uri != want {
		return c.Errorf(code, "fault code namespace %q is wrong for %s; want %q", f.code.uri, versionName(f.version), want)
	}
	for _, ok := range validFaultCodes[f.version] {
		if f.code.local == ok {
			return nil
		}
	}
	return c.Errorf(code, "invalid fault code %q for %s; want one of %s", f.code.local, versionName(f.version),
		strings.Join(validFaultCodes[f.version], ", "))
}

func (f *makefault) compileReason(el *etree.Element, c *mediation.Compiler) error {
	r := synapseChild(el, "reason")
	if r == nil {
		if f.version == pox {
			return nil
		}
		return c.Errorf(el, "<reason> is required unless version is pox")
	}
	v, ok, err := compileValueOrExpr(r, c)
	if err != nil {
		return err
	}
	if !ok {
		return c.Errorf(r, "a value or an expression is required")
	}
	f.reason, f.hasReason = v, true
	return nil
}

func (f *makefault) compileDetail(el *etree.Element, c *mediation.Compiler) error {
	d := synapseChild(el, "detail")
	if d == nil {
		return nil
	}
	f.detail.set = true
	e, err := c.Expr(d, "expression")
	if err != nil || e != nil {
		f.detail.expr = e
		return err
	}
	var parts []string
	for _, ch := range d.ChildElements() {
		s, err := serializeElement(ch)
		if err != nil {
			return c.Errorf(ch, "%v", err)
		}
		parts = append(parts, s)
	}
	if len(parts) > 0 {
		f.detail.xml = strings.Join(parts, "")
		return nil
	}
	f.detail.text = d.Text()
	return nil
}

func childText(el *etree.Element, tag string) string {
	if ch := synapseChild(el, tag); ch != nil {
		return strings.TrimSpace(ch.Text())
	}
	return ""
}

func envelopeNS(v faultVersion) string {
	if v == soap12 {
		return mediation.SOAP12NS
	}
	return mediation.SOAP11NS
}

func versionName(v faultVersion) string {
	return [...]string{"soap11", "soap12", "pox"}[v]
}

// evalString evaluates an optional value/expression pair, naming what
// failed in the error.
func evalString(v valueOrExpr, what string, mc *mediation.MessageContext) (string, error) {
	s, err := v.eval(mc)
	if err != nil {
		return "", fmt.Errorf("makefault %s: %w", what, err)
	}
	return s, nil
}
