package sequences

import (
	"errors"
	"fmt"
	"strings"

	"github.com/seqgate/seqgate/mediation"
)

// Synapse's error properties, set in the default scope when mediation fails
// so that an onError (fault) sequence can build its response from them.
const (
	PropErrorCode    = "ERROR_CODE"
	PropErrorMessage = "ERROR_MESSAGE"
	PropErrorDetail  = "ERROR_DETAIL"
	// DefaultErrorCode is Synapse's SynapseConstants.DEFAULT_ERROR.
	DefaultErrorCode = "0"
)

// ErrorCoder is implemented by mediation errors that carry a Synapse error
// code (e.g. an endpoint failure, 101503); others get DefaultErrorCode.
type ErrorCoder interface {
	ErrorCode() string
}

// Sequence is one compiled <sequence>: immutable after Compile and shared by
// every request of every Set it belongs to.
type Sequence struct {
	Name        string
	File        string // as given to Compile
	Line        int    // line of the <sequence> element
	OnError     string // fault sequence run when the body fails; "" for none
	Description string
	// Refs are the static sequence keys the body references (<sequence
	// key="x"/> and the like); Build checks them and rejects cycles.
	Refs []string
	// NeedsBody reports whether some mediator reads or writes the payload, so
	// a header-only chain can stream the body untouched.
	NeedsBody bool
	// Resources are the local-entry and registry keys the body looked up at
	// compile time (found or not): a change to one recompiles the file.
	Resources []string
	// Warnings are non-fatal remarks found while compiling (file:line: ...).
	Warnings []string

	body    mediation.List
	sources mediation.Sources // where each mediator came from, for traces
}

// ErrTooDeep is returned when sequences nest deeper than the context allows,
// which only happens through recursive dynamic references.
var ErrTooDeep = errors.New("sequence nesting too deep (recursive sequence reference?)")

// Mediate runs the body. On an error it records ERROR_CODE, ERROR_MESSAGE
// and ERROR_DETAIL as Synapse's FaultHandler does (only when no code is set
// yet, so the first failure wins) and hands the message to the onError
// sequence of the Set the request started with; its result replaces the
// error. Without a usable onError sequence the error is returned.
func (s *Sequence) Mediate(mc *mediation.MessageContext) (bool, error) {
	if tr := mc.Trace; tr != nil {
		tr.EnterSequence(s.Name, s.File, s.sources)
		defer tr.LeaveSequence()
	}
	leave, ok := mc.EnterSequence()
	if !ok {
		return false, fmt.Errorf("sequence %q: %w", s.Name, ErrTooDeep)
	}
	cont, err := s.body.Mediate(mc)
	leave()
	if err == nil {
		if s.OnError != "" && mc.Outcome == mediation.Send && mc.SendOnError == "" {
			mc.SendOnError = s.OnError // innermost handler: it returns first
		}
		return cont, nil
	}
	setErrorProps(mc, err)
	err = fmt.Errorf("sequence %q: %w", s.Name, err)
	if s.OnError == "" || mc.Sequences == nil {
		return false, err
	}
	h := mc.Sequences.Sequence(s.OnError)
	if h == nil {
		return false, err
	}
	if mc.Trace != nil {
		mc.Trace.Event(mc, "onError", "error: "+err.Error()+"; running sequence "+s.OnError)
	}
	return h.Mediate(mc)
}

// setErrorProps fills the error properties unless a code is already set.
func setErrorProps(mc *mediation.MessageContext, err error) {
	if _, set := mc.Props.Get(PropErrorCode); set {
		return
	}
	code := DefaultErrorCode
	var coder ErrorCoder
	if errors.As(err, &coder) {
		code = coder.ErrorCode()
	}
	msg := err.Error()
	first, _, _ := strings.Cut(msg, "\n")
	mc.Props.Set(PropErrorCode, code)
	mc.Props.Set(PropErrorMessage, first)
	mc.Props.Set(PropErrorDetail, msg)
}

// Mediators returns the compiled body (for inspection and tests).
func (s *Sequence) Mediators() mediation.List { return s.body }

// edges are the static references that count for cycle detection: the body's
// references and the onError sequence.
func (s *Sequence) edges() []string {
	if s.OnError == "" {
		return s.Refs
	}
	return append(s.Refs[:len(s.Refs):len(s.Refs)], s.OnError)
}
