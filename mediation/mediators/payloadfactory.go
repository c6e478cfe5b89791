package mediators

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
	"github.com/valyala/bytebufferpool"
)

// payloadFactory is <payloadFactory>: it replaces the payload with a
// template whose $1..$n are filled from <args>. The template is split into
// literal segments and slots when the sequence is deployed, so a request
// only evaluates the arguments and concatenates into a pooled buffer. It
// then sets the Content-Type for the media type, as Synapse sets
// messageType, which is what makes a payloadFactory alone switch the format
// of an error response.
type payloadFactory struct {
	media mediaType
	tmpl  template
	args  []pfArg
	ct    string // Content-Type to set ("" for xml: see SetXMLContentType)
	// envelope: the xml format is itself a SOAP Envelope, so it replaces
	// the whole message instead of the body's content.
	envelope bool
}

type mediaType uint8

const (
	mediaXML mediaType = iota
	mediaJSON
	mediaText
)

func init() { mediation.Register("payloadFactory", newPayloadFactory) }

// Mediate implements mediation.Mediator.
func (p *payloadFactory) Mediate(mc *mediation.MessageContext) (bool, error) {
	buf := bytebufferpool.Get()
	defer bytebufferpool.Put(buf)
	env := p.soapNS(mc)
	if env != "" {
		buf.B = append(append(append(buf.B, `<soapenv:Envelope xmlns:soapenv="`...), env...), `"><soapenv:Body>`...)
	}
	if err := p.tmpl.render(buf, mc, p); err != nil {
		return false, err
	}
	if env != "" {
		buf.B = append(buf.B, "</soapenv:Body></soapenv:Envelope>"...)
	}
	mc.SetBody(buf.B)
	if p.media == mediaXML {
		mc.SetXMLContentType() // an XML type the message has is kept
	} else {
		mc.SetContentType(p.ct)
	}
	return true, nil
}

// soapNS is the envelope namespace to wrap an xml result in: Synapse's
// payloadFactory replaces the first child of the SOAP Body, so a SOAP
// message stays one of the same version. (The SOAP Header is not kept.)
func (p *payloadFactory) soapNS(mc *mediation.MessageContext) string {
	if p.media != mediaXML || p.envelope {
		return ""
	}
	switch mc.BodyFormat() {
	case mediation.FormatSOAP11:
		return mediation.SOAP11NS
	case mediation.FormatSOAP12:
		return mediation.SOAP12NS
	}
	return ""
}

// writeArg evaluates argument i and writes it into buf, escaped for the
// media type.
func (p *payloadFactory) writeArg(buf *bytebufferpool.ByteBuffer, mc *mediation.MessageContext, i int) error {
	a := &p.args[i]
	if a.expr == nil {
		buf.B = append(buf.B, a.value...)
		return nil
	}
	var v string
	var structured bool
	var err error
	if a.jsonPath {
		v, structured, err = mediation.JSONString(a.expr, mc)
	} else {
		v, err = a.expr.String(mc)
	}
	if err != nil {
		return fmt.Errorf("payloadFactory arg %d (%s): %w", i+1, a.expr.Source(), err)
	}
	buf.B = insertValue(buf.B, p.media, a.kind(v, structured), v)
	return nil
}

func newPayloadFactory(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	c.NeedsBody = true // it replaces the payload
	p := &payloadFactory{}
	if err := p.compileMedia(el, c); err != nil {
		return nil, err
	}
	args, err := compileArgs(el, c, p.media)
	if err != nil {
		return nil, err
	}
	p.args = args
	format, root, err := compileFormat(el, c, p.media)
	if err != nil {
		return nil, err
	}
	p.tmpl = splitTemplate(format, len(args))
	if root != nil {
		ns := root.NamespaceURI()
		p.envelope = root.Tag == "Envelope" && (ns == mediation.SOAP11NS || ns == mediation.SOAP12NS)
	}
	return p, nil
}

func (p *payloadFactory) compileMedia(el *etree.Element, c *mediation.Compiler) error {
	switch m, _ := mediation.Attr(el, "media-type"); m {
	case "", "xml":
		p.media = mediaXML
	case "json":
		p.media, p.ct = mediaJSON, "application/json"
	case "text":
		p.media, p.ct = mediaText, "text/plain"
	default:
		return c.Errorf(el, "invalid media-type %q; want xml, json or text", m)
	}
	switch t, _ := mediation.Attr(el, "template-type"); strings.ToLower(t) {
	case "", "default":
	case "freemarker":
		return c.Errorf(el, "freemarker templates are not supported")
	default:
		return c.Errorf(el, "invalid template-type %q; want default", t)
	}
	return nil
}

// compileFormat returns the template text: the first element of <format>
// serialized (xml), or its text (json, text).
func compileFormat(el *etree.Element, c *mediation.Compiler, media mediaType) (string, *etree.Element, error) {
	f := synapseChild(el, "format")
	if f == nil {
		return "", nil, c.Errorf(el, "<format> is required")
	}
	if key, ok := mediation.Attr(f, "key"); ok {
		return formatFromResource(f, c, key, media)
	}
	if media != mediaXML {
		if len(f.ChildElements()) > 0 {
			return "", nil, c.Errorf(f, "a json or text format must be text (wrap it in CDATA if it contains '<')")
		}
		text := charData(f)
		if media == mediaJSON {
			text = strings.TrimSpace(text)
		}
		return text, nil, nil
	}
	children := f.ChildElements()
	if len(children) == 0 {
		return "", nil, c.Errorf(f, "an xml format needs an element")
	}
	s, err := serializeElement(children[0])
	if err != nil {
		return "", nil, c.Errorf(children[0], "%v", err)
	}
	return s, children[0], nil
}

// formatFromResource reads <format key="k"/>: the template is the content
// of the local entry or registry resource k, resolved at deploy time (an
// xml format is the resource's root element, json/text its text).
func formatFromResource(f *etree.Element, c *mediation.Compiler, key string, media mediaType) (string, *etree.Element, error) {
	if len(f.ChildElements()) > 0 || strings.TrimSpace(charData(f)) != "" {
		return "", nil, c.Errorf(f, "use either key= or an inline format, not both")
	}
	res, err := c.MustResource(f, "key", key)
	if err != nil {
		return "", nil, err
	}
	switch {
	case media == mediaJSON:
		return strings.TrimSpace(res.Text), nil, nil
	case media != mediaXML:
		return res.Text, nil, nil
	case res.XML == nil:
		return "", nil, c.Errorf(f, "key=%q: an xml format needs an XML resource; %s holds text", key, res.File)
	}
	s, err := serializeElement(res.XML)
	if err != nil {
		return "", nil, c.Errorf(f, "key=%q: %v", key, err)
	}
	return s, res.XML, nil
}

// charData concatenates the text and CDATA children of el.
func charData(el *etree.Element) string {
	var b strings.Builder
	for _, t := range el.Child {
		if cd, ok := t.(*etree.CharData); ok {
			b.WriteString(cd.Data)
		}
	}
	return b.String()
}
