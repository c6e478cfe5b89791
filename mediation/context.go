package mediation

import (
	"github.com/antchfx/xmlquery"
	"github.com/valyala/fasthttp"
	"go.uber.org/zap"
	"net/netip"
	"time"
)

// Direction tells which way a message flows: In is the request path, Out the
// response path. Its String form is the suffix of the WSO2 sequence names.
type Direction uint8

const (
	In Direction = iota
	Out
)

func (d Direction) String() string {
	if d == Out {
		return "Out"
	}
	return "In"
}

// Outcome is what a mediator that stopped the flow asked the gateway to do.
type Outcome uint8

const (
	// Continue: nothing special; the flow ended normally or by a filter.
	Continue Outcome = iota
	// Respond: write the current message back to the client now; on the
	// request path no backend is called and the response chain does not run.
	Respond
	// Drop: stop; the client gets 202 Accepted with no body (as MI documents).
	Drop
	// Loopback: the current request becomes the response and the response
	// chain (Out sequences) runs; no backend is called.
	Loopback
	// Send: on the request path, stop mediating and send the request now to
	// mc.SendTo (nil: the API's own backend), then run the response chain as
	// usual (the <send> mediator with an endpoint or a To address).
	Send
)

// MessageContext is one message in flight. It wraps the transport's request
// and response and works on them in place: transport-scope properties are
// the headers of the current message, never a copied map. It is reset and
// reused between requests: nothing may keep a reference to it, or to bytes
// it returns, after the request ends.
type MessageContext struct {
	Req  *fasthttp.Request
	Resp *fasthttp.Response
	Dir  Direction

	TenantDomain string
	// RemoteIP is the client's address (REMOTE_ADDR), kept as a value and
	// formatted only when a mediator reads it.
	RemoteIP netip.Addr
	// Hop is the client hop as received (hop.go); the gateway fills it.
	Hop Hop
	// Clients are the backend clients of the config generation serving
	// this request (endpoint.Pool); nil: the endpoint package's fallback.
	Clients ClientPool
	// Sequences resolves <sequence key="..."/> against the tenant's Set the
	// request started with.
	Sequences SequenceLookup
	Logger    *zap.Logger
	// Outcome is set by a mediator that stops the flow.
	Outcome Outcome
	// Endpoints resolves <endpoint key="..."/> against the tenant's deployed
	// named endpoints (the gateway sets it, like Sequences).
	Endpoints EndpointLookup
	// Registry is the tenant's local entries and registry resources, read
	// by get-property('registry', key) (the gateway sets it, like Sequences).
	Registry Resolver
	// SendTo is the endpoint a <send> chose when Outcome is Send; nil sends
	// to the API's own backend.
	SendTo Endpoint
	// SendOnError is the onError sequence of the innermost sequence that
	// was running when <send> set Outcome Send: the send fails after the
	// sequences returned, and Synapse's fault-handler stack still runs it.
	SendOnError string

	// Trace, when set, records every mediator this request runs (trace.go);
	// nil on ordinary traffic. Backend, when set, carries this request's
	// backend calls instead of the network (a dry-run's stub answer).
	Trace   *Trace
	Backend BackendTransport

	// Props is the default (Synapse) scope, Axis2 the axis2 scope for the
	// properties that are not magic (see SetProperty).
	Props Props
	Axis2 Props

	restURLPostfix string
	// inHeaders are the headers mediators set on the request path; respond
	// and loopback carry them into the response (a mock answer can set its
	// headers) without echoing every client header back.
	inHeaders    []string
	noEntityBody bool
	statusSet    bool
	depth        int

	jsonDoc    any
	jsonErr    error
	jsonParsed bool
	// payloadChecked: CheckPayload ran on the current body (its result in
	// payloadErr), the one gate every body reader goes through
	payloadChecked bool
	payloadErr     error
	// jsonRawChecked: the raw body is valid JSON (the JSONPath fast path
	// reads it without a tree)
	jsonRawChecked bool
	xmlDoc         *xmlquery.Node
	xmlErr         error
	xmlParsed      bool
	// xmlIdx: the body's byte index for the XPath fast path (xml_scan.go),
	// valid while xmlScanned; its storage is kept across Reset
	xmlIdx     xmlIndex
	xmlScanned bool

	// pin is a messageType declared on the current message (payload_format.go);
	// wire holds the transport properties the gateway applies (transport.go).
	pin  formatPin
	wire wireFlags

	// Limits bound the work done on hostile payloads.
	Limits Limits
	// Budget, when set, bounds the body bytes buffered across all requests
	// (body.go); reserved is this request's share, given back by
	// ReleaseBody.
	Budget   *Budget
	reserved int64
	// answerShare is the part of reserved the gate took for the answer,
	// and gateBuf the last buffer the gate allocated (HoldAnswerBudget).
	answerShare int64
	gateBuf     []byte
	// bodyState is the body gate's record per direction (body.go).
	bodyState [2]bodyState

	// Deadline, when set, bounds this context's backend calls: a scatter
	// branch's calls end when its aggregate stops waiting (fork.go).
	Deadline time.Time
	// pending are clone/iterate results waiting for an aggregate;
	// branches counts the request's scatter branches (shared by its
	// forks); forked marks a branch context (fork.go).
	pending  []*Scattered
	branches *BranchCount
	forked   bool
	// branchOf is the id of the scatter this context is a branch of;
	// arrived the aggregate that collected it (fork.go).
	branchOf string
	arrived  Mediator
}

// Limits bound payload parsing and nesting.
type Limits struct {
	MaxXMLDepth  int // deepest element nesting accepted in an XML payload
	MaxJSONDepth int // deepest nesting accepted in a JSON payload
	MaxSeqDepth  int // deepest <sequence key> nesting at run time
	// MaxBodyBytes and MaxResponseBodyBytes bound a request's and an
	// answer's body as the body gate buffers or decodes it (body.go);
	// zero: the config defaults (10 MiB, 64 MiB).
	MaxBodyBytes         int
	MaxResponseBodyBytes int
	// XML and JSON are the threat-protector limits beyond depth (element,
	// key and length counts); zero fields mean no limit. See threat.go.
	XML  XMLLimits
	JSON JSONLimits
	// MaxBranches bounds the clone/iterate branches of one request (0:
	// DefaultMaxBranches); Inflight the branches running at once across
	// all requests (nil: no bound); AggregateTimeout how long a scatter
	// waits when its aggregate names no timeout (0: the default). fork.go.
	MaxBranches      int
	Inflight         *Inflight
	AggregateTimeout time.Duration
}

// DefaultLimits are used when a context is created with zero Limits.
var DefaultLimits = Limits{MaxXMLDepth: 256, MaxJSONDepth: 256, MaxSeqDepth: 64}

// Reset clears the context for reuse with new transport objects.
func (mc *MessageContext) Reset(req *fasthttp.Request, resp *fasthttp.Response) {
	mc.ReleaseBody()
	mc.releasePending()
	props, axis2, hdrs := mc.Props, mc.Axis2, mc.inHeaders[:0]
	props.Reset()
	axis2.Reset()
	hop := Hop{For: mc.Hop.For[:0], Host: mc.Hop.Host[:0]} // buffers kept
	idx := xmlIndex{elems: mc.xmlIdx.elems[:0], ns: mc.xmlIdx.ns[:0]}
	*mc = MessageContext{xmlIdx: idx, Req: req, Resp: resp, Props: props, Axis2: axis2, inHeaders: hdrs, Limits: DefaultLimits, Hop: hop}
}

// --- current message: headers and body of the request on In, of the response on Out

// Header returns the transport header name of the current message.
func (mc *MessageContext) Header(name string) string {
	if mc.Dir == Out {
		return string(mc.Resp.Header.Peek(name))
	}
	return string(mc.Req.Header.Peek(name))
}

// HeaderBytes is Header without the copy; valid until the header changes.
func (mc *MessageContext) HeaderBytes(name string) []byte {
	if mc.Dir == Out {
		return mc.Resp.Header.Peek(name)
	}
	return mc.Req.Header.Peek(name)
}

// SetHeader sets a transport header of the current message.
func (mc *MessageContext) SetHeader(name, value string) {
	if mc.Dir == Out {
		mc.Resp.Header.Set(name, value)
		return
	}
	mc.Req.Header.Set(name, value)
	for _, h := range mc.inHeaders {
		if h == name {
			return
		}
	}
	mc.inHeaders = append(mc.inHeaders, name)
}

// RequestHeadersSet lists the headers mediators set on the request path.
func (mc *MessageContext) RequestHeadersSet() []string { return mc.inHeaders }

// DelHeader removes a transport header of the current message.
func (mc *MessageContext) DelHeader(name string) {
	if mc.Dir == Out {
		mc.Resp.Header.Del(name)
		return
	}
	mc.Req.Header.Del(name)
}

// RangeHeaders calls fn for every header of the current message.
func (mc *MessageContext) RangeHeaders(fn func(k, v []byte)) {
	if mc.Dir == Out {
		mc.Resp.Header.VisitAll(fn)
		return
	}
	mc.Req.Header.VisitAll(fn)
}

// ClearHeaders removes every header of the current message except the ones
// the transport owns (Content-Length, Host on requests).
func (mc *MessageContext) ClearHeaders() {
	var keys []string
	mc.RangeHeaders(func(k, _ []byte) { keys = append(keys, string(k)) })
	for _, k := range keys {
		if k == "Host" || k == "Content-Length" {
			continue
		}
		mc.DelHeader(k)
	}
}

// Body returns the payload of the current message, through the body gate
// (LoadBody): read in full if it was streamed, decoded if it was gzip or
// deflate. A body the gate refused reads as empty; JSON, XMLPayload and
// the gateway report the gate's error.
func (mc *MessageContext) Body() []byte {
	if mc.LoadBody() != nil {
		return nil
	}
	if mc.Dir == Out {
		return mc.Resp.Body()
	}
	return mc.Req.Body()
}

// SetBody replaces the payload of the current message and drops any parsed
// form of the old one. The new bytes are taken to be in the body's current
// format (BodyFormat); a mediator that writes another format calls
// SetContentType too. They are plain bytes: a Content-Encoding the old body
// had is removed.
func (mc *MessageContext) SetBody(b []byte) {
	if mc.Dir == Out {
		mc.Resp.SetBody(b)
		mc.Resp.Header.Del("Content-Encoding")
	} else {
		mc.Req.SetBody(b)
		mc.Req.Header.Del("Content-Encoding")
	}
	mc.bodyState[mc.Dir] = bodyState{loaded: true}
	mc.InvalidatePayload()
}

// InvalidatePayload forgets parsed forms of the payload after it changed.
func (mc *MessageContext) InvalidatePayload() {
	mc.jsonDoc, mc.jsonErr, mc.jsonParsed, mc.jsonRawChecked = nil, nil, false, false
	mc.payloadChecked, mc.payloadErr = false, nil
	mc.xmlDoc, mc.xmlErr, mc.xmlParsed = nil, nil, false
	mc.xmlScanned, mc.xmlIdx.ok, mc.xmlIdx.body = false, false, nil
}

// ContentType is the Content-Type of the current message.
func (mc *MessageContext) ContentType() string { return string(mc.contentTypeBytes()) }

// SetContentType sets the Content-Type of the current message and says the
// body is in that format (a mediator that builds a payload calls it, as
// Synapse's payloadFactory sets messageType); a pending messageType
// conversion is dropped. The axis2 messageType property declares a wire
// type without this (see declareMessageType).
func (mc *MessageContext) SetContentType(ct string) {
	if mc.pin.dir == mc.Dir {
		mc.pin = formatPin{}
	}
	mc.setContentTypeHeader(ct)
}

// SetXMLPayloadKeepType replaces the payload with XML bytes (body is a
// plain XML element, labelled application/xml) without changing the type
// the message is written in, as Synapse's enrich and script setPayloadXML
// do: they change the SOAP body and leave the axis2 messageType alone, so
// Axis2's formatter writes the new XML in the request's format. A message
// declared JSON (a JSON request, or messageType set) stays JSON on the
// wire: the XML is converted by SerializeForWire (<error><code>404 goes
// out as {"error":{"code":404}}). Any other type is relabelled XML.
func (mc *MessageContext) SetXMLPayloadKeepType(body []byte) {
	declared := mc.MessageType()
	mc.SetBody(body)
	mc.SetContentType("application/xml")
	if FormatOf(declared) == FormatJSON {
		mc.declareMessageType(declared)
	}
}

func (mc *MessageContext) setContentTypeHeader(ct string) {
	if mc.Dir == Out {
		mc.Resp.Header.SetContentType(ct)
	} else {
		mc.Req.Header.SetContentType(ct)
	}
}

// RESTURLPostfix is the path (and query) appended to the endpoint URL: the
// request path after the API context and version, as Synapse computes it.
func (mc *MessageContext) RESTURLPostfix() string { return mc.restURLPostfix }

// SetRESTURLPostfix sets the postfix (the router does, and the
// REST_URL_POSTFIX axis2 property).
func (mc *MessageContext) SetRESTURLPostfix(p string) { mc.restURLPostfix = p }

// NoEntityBody reports whether NO_ENTITY_BODY is set: the message has no body.
func (mc *MessageContext) NoEntityBody() bool { return mc.noEntityBody }

// StatusSet reports whether HTTP_SC was set on the request path (for respond).
func (mc *MessageContext) StatusSet() bool { return mc.statusSet }

// EnterSequence guards run-time sequence nesting (dynamic keys can recurse);
// call the returned func when the sequence returns.
func (mc *MessageContext) EnterSequence() (leave func(), ok bool) {
	max := mc.Limits.MaxSeqDepth
	if max <= 0 {
		max = DefaultLimits.MaxSeqDepth
	}
	if mc.depth >= max {
		return nil, false
	}
	mc.depth++
	return mc.leaveSequence, true
}

func (mc *MessageContext) leaveSequence() { mc.depth-- }

// DryRun reports whether this request is an admin dry-run (its backend
// calls go to a stub, Backend is set). Handlers use it to leave no trace
// of their own: the throttle only looks at its counters, the usage handler
// neither counts nor publishes.
func (mc *MessageContext) DryRun() bool { return mc.Backend != nil }
