package mediation

import (
	"hash/maphash"
	"time"
)

// MaxTraceSteps bounds one trace: a loop of dynamic sequence keys or a
// huge generated sequence cannot make a traced request hold unbounded
// memory; the steps past it are only counted.
const MaxTraceSteps = 2000

// Trace is the mediation trace of one request: every mediator run, in
// order, with what it did. It is attached to MessageContext.Trace only for
// a request someone asked to trace (admin dry-run, trace header), so the
// snapshots and diffs below cost nothing on ordinary traffic. A Trace
// belongs to one request and is not safe for concurrent use.
type Trace struct {
	Steps []TraceStep `json:"steps"`
	// Truncated counts the steps past MaxTraceSteps that were not recorded.
	Truncated int `json:"truncated,omitempty"`

	depth  int
	frames []traceFrame
	seed   maphash.Seed
}

// TraceStep is one mediator run. Depth is its nesting: the steps of a
// filter's branch, a switch case, an <in>/<out> or a called sequence
// follow their parent with Depth+1. A mediator with nested steps reports
// the changes of its whole branch.
type TraceStep struct {
	Sequence  string        `json:"sequence,omitempty"`
	Depth     int           `json:"depth"`
	Direction string        `json:"direction"`
	Mediator  string        `json:"mediator"`
	File      string        `json:"file,omitempty"`
	Line      int           `json:"line,omitempty"`
	Outcome   string        `json:"outcome"`
	Duration  time.Duration `json:"duration_ns"`
	Changes   []Change      `json:"changes,omitempty"`
	Payload   *PayloadDiff  `json:"payload,omitempty"` // nil for an Event
}

// Change is one property or header that a step set, changed or removed.
// Values of secret-looking names are redacted (Redact).
type Change struct {
	Scope  string `json:"scope"` // default, axis2, transport
	Name   string `json:"name"`
	Op     string `json:"op"` // set, changed, removed
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

// PayloadDiff says whether a step changed the payload; the body itself is
// never copied into a trace. Length is -1 for a streamed body, which is
// not read.
type PayloadDiff struct {
	Changed     bool   `json:"changed"`
	ContentType string `json:"content_type,omitempty"`
	Length      int    `json:"length,omitempty"`
}

type traceFrame struct {
	name, file string
	src        Sources
}

// NewTrace returns an empty trace to hang on a MessageContext.
func NewTrace() *Trace { return &Trace{seed: maphash.MakeSeed()} }

// EnterSequence tells the trace that the steps from now on belong to the
// named sequence, compiled from file with src; LeaveSequence ends it.
func (t *Trace) EnterSequence(name, file string, src Sources) {
	t.frames = append(t.frames, traceFrame{name: name, file: file, src: src})
}

// LeaveSequence ends the innermost EnterSequence.
func (t *Trace) LeaveSequence() {
	if n := len(t.frames); n > 0 {
		t.frames = t.frames[:n-1]
	}
}

// Event records something that is not a mediator run, such as a failed
// sequence handing over to its onError sequence, at the current depth.
func (t *Trace) Event(mc *MessageContext, what, outcome string) {
	if i := t.add(mc, Source{Tag: what}); i >= 0 {
		t.Steps[i].Outcome = outcome
	}
}

// mediateTraced is List.Mediate with every step recorded.
func (l List) mediateTraced(mc *MessageContext) (bool, error) {
	t := mc.Trace
	for i := range l {
		cont, err := t.run(mc, &l[i])
		if err != nil || !cont {
			return cont, err
		}
	}
	return true, nil
}

// run runs one mediator between two snapshots. The step is appended before
// the mediator runs so that nested steps follow it.
func (t *Trace) run(mc *MessageContext, m *Mediator) (bool, error) {
	var src Source
	if f := t.frame(); f != nil {
		src = f.src.lookup(m)
	} else {
		src = Sources(nil).lookup(m)
	}
	i := t.add(mc, src)
	before := t.snapshot(mc)
	t.depth++
	start := time.Now()
	cont, err := (*m).Mediate(mc)
	elapsed := time.Since(start)
	t.depth--
	if i >= 0 {
		s := &t.Steps[i]
		s.Duration, s.Outcome = elapsed, outcome(mc, cont, err)
		var pd PayloadDiff
		s.Changes, pd = before.diff(t.snapshot(mc))
		s.Payload = &pd
	}
	return cont, err
}

// add appends a step for src at the current depth; -1 past MaxTraceSteps.
func (t *Trace) add(mc *MessageContext, src Source) int {
	if len(t.Steps) >= MaxTraceSteps {
		t.Truncated++
		return -1
	}
	s := TraceStep{Depth: t.depth, Direction: mc.Dir.String(), Mediator: src.Tag, Line: src.Line}
	if f := t.frame(); f != nil {
		s.Sequence, s.File = f.name, f.file
	}
	t.Steps = append(t.Steps, s)
	return len(t.Steps) - 1
}

func (t *Trace) frame() *traceFrame {
	if n := len(t.frames); n > 0 {
		return &t.frames[n-1]
	}
	return nil
}

// outcome names what a step decided: continue, the stop it asked for
// (respond, drop, loopback, send <endpoint>), or its error.
func outcome(mc *MessageContext, cont bool, err error) string {
	switch {
	case err != nil:
		return "error: " + err.Error()
	case cont:
		return "continue"
	}
	switch mc.Outcome {
	case Respond:
		return "respond"
	case Drop:
		return "drop"
	case Loopback:
		return "loopback"
	case Send:
		if mc.SendTo != nil {
			return "send " + mc.SendTo.Name()
		}
		return "send (api backend)"
	}
	return "stop"
}
