package mediators

import (
	"errors"
	"strings"
)

// rewriteE4X turns E4X XML literals, which only Rhino parses, into
// JavaScript strings, so Synapse scripts such as
//
//	mc.setPayloadXML(<Response><Code>{mc.getProperty("HTTP_SC")}</Code></Response>);
//
// run unchanged. This is the whole E4X subset seqgate supports: an XML
// literal where an expression may start (after ( = , : [ ? ! & | ; { } or
// return, or at the start) becomes a template string, and each {expr}
// inside it is evaluated and XML-escaped. The result is a string, not an
// XML object: .child / @attr / .. navigation, XML() and XMLList are not
// E4X here (they fail as ordinary JavaScript would).
func rewriteE4X(src string) (string, error) {
	if !strings.Contains(src, "<") {
		return src, nil
	}
	var out strings.Builder
	prev := byte(0) // last significant character outside literals
	lastWord := ""
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			j := skipString(src, i)
			out.WriteString(src[i:j])
			i, prev, lastWord = j, c, ""
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				j = len(src) - i
			}
			out.WriteString(src[i : i+j])
			i += j
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			j := strings.Index(src[i+2:], "*/")
			if j < 0 {
				return "", errors.New("unterminated comment")
			}
			out.WriteString(src[i : i+j+4])
			i += j + 4
			continue
		case c == '<' && i+1 < len(src) && isXMLNameStart(src[i+1]) && (prev == 0 || strings.IndexByte("(=,:[?!&|;{}", prev) >= 0 || lastWord == "return"):
			j, lit, err := e4xLiteral(src, i)
			if err != nil {
				return "", err
			}
			out.WriteString(lit)
			i, prev, lastWord = j, ')', ""
			continue
		}
		out.WriteByte(c)
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case isIdentByte(c):
			if prev != 0 && isIdentByte(prev) {
				lastWord += string(c)
			} else {
				lastWord = string(c)
			}
			prev = c
		default:
			prev, lastWord = c, ""
		}
		i++
	}
	return out.String(), nil
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isXMLNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// skipString returns the index after the string literal starting at i.
func skipString(src string, i int) int {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case q:
			return j + 1
		}
	}
	return len(src)
}

// e4xLiteral reads the XML literal at i and returns the index after it and
// its replacement: a template string with ${__sg_xmlesc(expr)} for each
// {expr}.
func e4xLiteral(src string, i int) (int, string, error) {
	var b strings.Builder
	b.WriteByte('`')
	depth := 0
	for j := i; j < len(src); {
		c := src[j]
		switch {
		case c == '{':
			end, err := matchBrace(src, j)
			if err != nil {
				return 0, "", err
			}
			b.WriteString("${__sg_xmlesc(")
			b.WriteString(src[j+1 : end])
			b.WriteString(")}")
			j = end + 1
			continue
		case c == '<':
			k := strings.IndexByte(src[j:], '>')
			if k < 0 {
				return 0, "", errors.New("unterminated XML literal")
			}
			tag := src[j : j+k+1]
			switch {
			case strings.HasPrefix(tag, "</"):
				depth--
			case strings.HasPrefix(tag, "<!--"), strings.HasPrefix(tag, "<?"), strings.HasSuffix(tag, "/>"):
			default:
				depth++
			}
			if strings.ContainsAny(tag, "{") { // an attribute value {expr}: rewrite its braces
				s, err := e4xAttrs(tag)
				if err != nil {
					return 0, "", err
				}
				b.WriteString(s)
			} else {
				b.WriteString(escapeTemplate(tag))
			}
			j += k + 1
			if depth <= 0 {
				b.WriteByte('`')
				return j, b.String(), nil
			}
			continue
		}
		b.WriteString(escapeTemplate(string(c)))
		j++
	}
	return 0, "", errors.New("unterminated XML literal")
}

func e4xAttrs(tag string) (string, error) {
	var b strings.Builder
	for j := 0; j < len(tag); {
		if tag[j] == '{' {
			end, err := matchBrace(tag, j)
			if err != nil {
				return "", err
			}
			b.WriteString(`"${__sg_xmlesc(` + tag[j+1:end] + `)}"`)
			j = end + 1
			continue
		}
		b.WriteString(escapeTemplate(tag[j : j+1]))
		j++
	}
	return b.String(), nil
}

// matchBrace returns the index of the } closing the { at i.
func matchBrace(src string, i int) (int, error) {
	depth := 0
	for j := i; j < len(src); j++ {
		switch src[j] {
		case '"', '\'', '`':
			j = skipString(src, j) - 1
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j, nil
			}
		}
	}
	return 0, errors.New("unterminated {expression} in an XML literal")
}

func escapeTemplate(s string) string {
	if !strings.ContainsAny(s, "`\\$") {
		return s
	}
	r := strings.NewReplacer("\\", "\\\\", "`", "\\`", "$", "\\$")
	return r.Replace(s)
}
