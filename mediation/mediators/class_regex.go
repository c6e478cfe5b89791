package mediators

import (
	"regexp"
	"strings"

	"github.com/dlclark/regexp2"
	"github.com/seqgate/seqgate/mediation"
	"github.com/valyala/bytebufferpool"
)

// regexProtector stands in for API-M's
// org.wso2.carbon.apimgt.gateway.mediators.RegularExpressionProtector
// (the regex_policy threat protector). Like the Java class it reads its
// settings from default-scope properties the sequence sets before it:
// regex (case-insensitive, searched anywhere, not full-matched), threatType,
// enabledCheckBody, enabledCheckPathParams and enabledCheckHeaders (all
// true unless set to something other than "true"). It checks the body,
// then the path and query after the API context (REST_URL_POSTFIX), then
// the headers written as Java prints a map ("{Name=value, ...}"); the
// first match is a threat (see handleThreat). The body is searched as
// received (Java searches its XML form; for XML bodies they agree).
type regexProtector struct{}

const regexProtectorClass = "org.wso2.carbon.apimgt.gateway.mediators.RegularExpressionProtector"

func init() {
	mediation.RegisterClass(regexProtectorClass, func([]mediation.ClassProperty) (mediation.Mediator, error) {
		return regexProtector{}, nil
	})
}

// Mediate implements mediation.Mediator.
func (regexProtector) Mediate(mc *mediation.MessageContext) (bool, error) {
	src, ok := mc.Property(mediation.ScopeDefault, "regex")
	if !ok {
		return handleThreat(mc, "400", "Threat detection key words are missing")
	}
	re, err := protectorRegex(src)
	if err != nil {
		return handleThreat(mc, "400", "Threat detection key words are invalid")
	}
	threat, _ := mc.Property(mediation.ScopeDefault, "threatType")
	if enabled(mc, "enabledCheckBody") && len(mc.Body()) > 0 {
		body, err := mc.CheckedBody()
		if err != nil {
			return false, err
		}
		if re.find(string(body)) {
			return handleThreat(mc, "400", threatDesc(threat, "Threat detected in Payload"))
		}
	}
	if enabled(mc, "enabledCheckPathParams") && re.find(mc.RESTURLPostfix()) {
		return handleThreat(mc, "400", threatDesc(threat, "Threat detected in Query Parameters"))
	}
	if enabled(mc, "enabledCheckHeaders") && re.find(headerMapString(mc)) {
		return handleThreat(mc, "400", threatDesc(threat, "Threat detected in HTTP Headers"))
	}
	return true, nil
}

func enabled(mc *mediation.MessageContext, name string) bool {
	v, ok := mc.Property(mediation.ScopeDefault, name)
	return !ok || strings.EqualFold(strings.TrimSpace(v), "true")
}

func threatDesc(threatType, msg string) string {
	if threatType == "" {
		return msg
	}
	return threatType + " " + msg
}

// headerMapString prints the headers the way Java's Map.toString does,
// which is what the Java class matches against.
func headerMapString(mc *mediation.MessageContext) string {
	buf := bytebufferpool.Get()
	defer bytebufferpool.Put(buf)
	buf.B = append(buf.B, '{')
	mc.RangeHeaders(func(k, v []byte) {
		if len(buf.B) > 1 {
			buf.B = append(buf.B, ", "...)
		}
		buf.B = append(append(append(buf.B, k...), '='), v...)
	})
	return string(append(buf.B, '}'))
}

// findRegex is a case-insensitive search: RE2 when it can, else the
// backtracking engine bounded by mediation.RegexTimeout.
type findRegex struct {
	re  *regexp.Regexp
	re2 *regexp2.Regexp
}

// find fails closed: a backtracking search that runs past the timeout
// counts as a threat. Counting it as clean would let an attacker slip a
// payload past the protector by padding it until the search gives up.
func (r *findRegex) find(s string) bool {
	if r.re != nil {
		return r.re.MatchString(s)
	}
	ok, err := r.re2.MatchString(s)
	return err != nil || ok
}

// protectorRegexes: the pattern comes from a property, so it is known only
// at run time; a policy uses one, so the bound is small. Not
// mediation.CompileRegex's cache: these are case-insensitive searches, not
// full matches, and run-time patterns must not crowd out deployed ones.
var protectorRegexes = mediation.PatternCache[*findRegex]{Max: 64}

func protectorRegex(src string) (*findRegex, error) {
	return protectorRegexes.Get(src, compileFindRegex)
}

func compileFindRegex(src string) (*findRegex, error) {
	r := &findRegex{}
	var err error
	if r.re, err = regexp.Compile("(?i)" + src); err != nil {
		if r.re2, err = regexp2.Compile(src, regexp2.IgnoreCase); err != nil {
			return nil, err
		}
		r.re2.MatchTimeout = mediation.RegexTimeout
	}
	return r, nil
}
