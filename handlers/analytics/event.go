// Package analytics turns finished requests into events and ships them to
// sinks (a log line, a JSON-lines file, an HTTP collector, a Redis stream)
// off the request path: Publish copies the event into a bounded channel and
// returns; one goroutine per Publisher feeds the sinks. When the channel is
// full the event is dropped and counted, so a slow sink never slows
// traffic. SCHEMA.md documents every field of an event.
package analytics

import (
	"net/netip"
	"time"
)

// Type is the kind of event.
type Type uint8

// Event types. A request event is published when a request has passed auth
// and throttling (only with analytics.request_events); every finished
// request publishes one response or fault event.
const (
	TypeRequest Type = iota + 1
	TypeResponse
	TypeFault
)

var typeNames = [...]string{"", "request", "response", "fault"}

// String is the type as it appears in the "type" field.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return ""
}

// Event is one analytics event. It is a value with no pointer into the
// request: every string points into the config, a credential's cached
// verification result or an interned constant, so filling one allocates
// nothing and it may outlive the request (Publish copies it). It never
// holds a credential, a query string or a body.
type Event struct {
	Type      Type
	Time      time.Time // when the request started (request) or finished
	Node      string
	Tenant    string
	API       string // Synapse name, e.g. admin--Orders:v1.0.0
	Version   string
	Resource  string // the resource's URI template, never the path
	Method    string
	Status    int
	Latency   time.Duration // whole request, backend included
	Backend   time.Duration
	Mediation time.Duration
	// Application and ApplicationID name the caller's application,
	// ConsumerKey its OAuth consumer key (an identifier, not a secret),
	// User the authenticated end user.
	Application   string
	ApplicationID string
	ConsumerKey   string
	User          string
	// ErrorCode is the fault's ERROR_CODE (fault events only).
	ErrorCode string
	// CorrelationID is the message's MessageID when a mediator made one.
	CorrelationID string
	// TraceID is the request span's trace id; zero without tracing.
	TraceID  [16]byte
	ClientIP netip.Addr
}

// hasTrace reports whether TraceID is set.
func (e *Event) hasTrace() bool { return e.TraceID != [16]byte{} }
