package mediators

import (
	"errors"
	"fmt"
	"strings"

	"github.com/antchfx/xmlquery"
	"github.com/beevik/etree"
	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/mediation/endpoint"
)

// callout is Synapse's deprecated blocking <callout serviceURL=|endpointKey=
// [action=]> with <source xpath=|key=|type="envelope"> and <target xpath=|key=>.
// It runs on the call machinery (an endpoint compiled at deploy time, a
// pooled request per call) with enrich's compiled sources and targets:
// the source value is sent as the body of a SOAP 1.1 envelope (type
// "envelope" sends the envelope as it is) with SOAPAction = action, and the
// first child of the answer's SOAP Body (or the answer's root element when
// it is not SOAP) goes to the target: the node the xpath selects is
// replaced, key= stores it in a property. Without <source> the first child
// of the message's Body is sent; without <target> the Body is replaced.
// A failed call or an HTTP status >= 400 is a mediation error (the fault
// sequence runs), as Synapse's callout throws on a SOAP fault.
type callout struct {
	ep     mediation.Endpoint
	action string
	src    enrichSource
	tgt    enrichTarget
}

func init() { mediation.Register("callout", newCallout) }

// Mediate implements mediation.Mediator.
func (m *callout) Mediate(mc *mediation.MessageContext) (bool, error) {
	v, err := m.src.eval(mc)
	if err != nil {
		return false, fmt.Errorf("callout source: %w", err)
	}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType("text/xml; charset=UTF-8")
	if m.action != "" {
		req.Header.Set("SOAPAction", `"`+m.action+`"`)
	}
	if m.src.typ == enrichEnvelope {
		req.SetBodyString(v.String())
	} else {
		req.SetBodyString(`<soapenv:Envelope xmlns:soapenv="` + mediation.SOAP11NS + `"><soapenv:Body>` +
			v.String() + `</soapenv:Body></soapenv:Envelope>`)
	}
	if err := m.ep.Send(mc, req, resp); err != nil {
		return false, fmt.Errorf("callout: %w", err)
	}
	if sc := resp.StatusCode(); sc >= 400 {
		return false, fmt.Errorf("callout: the service answered HTTP %d", sc)
	}
	out, err := calloutResult(resp.Body())
	if err != nil {
		return false, fmt.Errorf("callout: %w", err)
	}
	if err := m.tgt.apply(mc, out); err != nil {
		return false, fmt.Errorf("callout target: %w", err)
	}
	return true, nil
}

// calloutResult is the payload of the answer: the first element in the
// SOAP Body of an envelope, else the root element.
func calloutResult(body []byte) (enrichValue, error) {
	nodes, err := parseXMLFragment(string(body))
	if err != nil {
		return enrichValue{}, err
	}
	root := nodes[0]
	if root.Data == "Envelope" && (root.NamespaceURI == mediation.SOAP11NS || root.NamespaceURI == mediation.SOAP12NS) {
		for _, part := range elementChildren(root) {
			if part.Data == "Body" {
				kids := elementChildren(part)
				if len(kids) == 0 {
					return enrichValue{}, errors.New("the answer's SOAP Body is empty")
				}
				xmlquery.RemoveFromTree(kids[0])
				return enrichValue{kind: valXML, nodes: kids[:1]}, nil
			}
		}
		return enrichValue{}, errors.New("the answer's SOAP envelope has no Body")
	}
	return enrichValue{kind: valXML, nodes: nodes[:1]}, nil
}

func newCallout(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	c.NeedsBody = true
	m := &callout{}
	m.action, _ = mediation.Attr(el, "action")
	var err error
	if m.ep, err = calloutEndpoint(el, c); err != nil {
		return nil, err
	}
	for _, ch := range el.ChildElements() {
		switch {
		case !mediation.IsSynapse(ch) || ch.Tag == "description" || ch.Tag == "source" || ch.Tag == "target":
		case ch.Tag == "configuration":
			// Axis2 client repository/axis2.xml: nothing to configure here.
		default:
			return nil, c.Errorf(ch, "unexpected element in <callout>")
		}
	}
	src, undo := calloutPart(el, synapseChild(el, "source"), "body")
	m.src, err = compileEnrichSource(src, c)
	undo()
	if err != nil {
		return nil, err
	}
	tgt, undo := calloutPart(el, synapseChild(el, "target"), "body")
	m.tgt, err = compileEnrichTarget(tgt, c)
	undo()
	if err != nil {
		return nil, err
	}
	return m, nil
}

// calloutEndpoint is endpointKey= (a stored or named endpoint), else
// serviceURL= called as it is (compiled Exact: no REST_URL_POSTFIX is
// appended), else, empty, the To address.
func calloutEndpoint(el *etree.Element, c *mediation.Compiler) (mediation.Endpoint, error) {
	if key, ok := mediation.Attr(el, "endpointKey"); ok && strings.TrimSpace(key) != "" {
		ep := etree.NewElement("endpoint")
		ep.CreateAttr("xmlns", mediation.SynapseNS)
		ep.CreateAttr("key", strings.TrimSpace(key))
		el.AddChild(ep) // for namespaces and line numbers of errors
		defer el.RemoveChild(ep)
		return compileEndpoint(ep, c)
	}
	url, _ := mediation.Attr(el, "serviceURL")
	if url = strings.TrimSpace(url); url == "" {
		return endpoint.ToAddress, nil
	}
	ep := etree.NewElement("endpoint")
	ep.CreateAttr("xmlns", mediation.SynapseNS)
	h := ep.CreateElement("http")
	h.CreateAttr("uri-template", url)
	h.CreateAttr("method", "post")
	el.AddChild(ep)
	defer el.RemoveChild(ep)
	e, _, err := endpoint.CompileWith(ep, c, endpoint.Options{Exact: true})
	return e, err
}

// calloutPart turns <source>/<target> into the enrich form in place
// (key= is a property, xpath= custom, type="envelope" stays; absent, a
// temporary child with type=def), so namespaces and lines still resolve;
// undo puts the element back as it was.
func calloutPart(parent, el *etree.Element, def string) (part *etree.Element, undo func()) {
	if el == nil {
		part = parent.CreateElement("part")
		part.CreateAttr("type", def)
		return part, func() { parent.RemoveChild(part) }
	}
	saved := append([]etree.Attr(nil), el.Attr...)
	if key, ok := mediation.Attr(el, "key"); ok {
		el.RemoveAttr("key")
		el.CreateAttr("type", "property")
		el.CreateAttr("property", key)
	} else if _, ok := mediation.Attr(el, "xpath"); ok {
		el.CreateAttr("type", "custom")
	} else if t, _ := mediation.Attr(el, "type"); t != "envelope" {
		el.CreateAttr("type", def)
	}
	return el, func() { el.Attr = saved }
}
