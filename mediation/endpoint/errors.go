package endpoint

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"

	"github.com/valyala/fasthttp"
)

// Synapse's error codes (SynapseConstants), set in ERROR_CODE when an
// endpoint fails so that fault sequences written for WSO2 keep working.
const (
	CodeSendFailed        = 101500 // SND_IO_ERROR_SENDING: any other I/O failure
	CodeReceiveFailed     = 101501 // SND_IO_ERROR_RECEIVING
	CodeConnectFailed     = 101503 // NHTTP_CONNECTION_FAILED: refused, unreachable, DNS
	CodeTimeout           = 101504 // NHTTP_CONNECTION_TIMEOUT: no answer in time
	CodeConnectionClosed  = 101505 // NHTTP_CONNECTION_CLOSED: closed before the answer
	CodeProtocolViolation = 101506 // NHTTP_PROTOCOL_VIOLATION: malformed answer
	CodeGroupNoneReady    = 303000 // ENDPOINT_LB_NONE_READY / FO_NONE_READY
	CodeAddressNoneReady  = 303001 // ENDPOINT_ADDRESS_NONE_READY: suspended
	CodeKeyNotFound       = 305100 // ENDPOINT_IN_DIRECT_NOT_READY: key names nothing
)

// Error is an endpoint failure. ErrorCode gives the Synapse code as the
// sequences package expects (it fills ERROR_CODE from it).
type Error struct {
	Code     int
	Endpoint string // name, or the target URL of an anonymous endpoint
	Msg      string
	Err      error
}

func (e *Error) Error() string {
	s := "endpoint " + e.Endpoint + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode implements sequences.ErrorCoder.
func (e *Error) ErrorCode() string { return strconv.Itoa(e.Code) }

// Code returns the Synapse code of err, or 0 when err is not an *Error.
func Code(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// classify maps a fasthttp client error to Synapse's code and message.
func classify(err error) (int, string) {
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.Is(err, fasthttp.ErrTimeout), errors.Is(err, fasthttp.ErrDialTimeout),
		errors.As(err, &ne) && ne.Timeout():
		return CodeTimeout, "connection timed out"
	case errors.As(err, &oe) && oe.Op == "dial", errors.Is(err, fasthttp.ErrNoFreeConns):
		return CodeConnectFailed, "connection failed"
	case errors.Is(err, fasthttp.ErrConnectionClosed), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return CodeConnectionClosed, "connection closed"
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		return CodeReceiveFailed, "response too large"
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return CodeConnectFailed, "connection failed"
	}
	return CodeSendFailed, "send failed"
}

// failure builds the Error for a failed call to target.
func failure(target string, err error) *Error {
	code, msg := classify(err)
	return &Error{Code: code, Endpoint: target, Msg: msg, Err: err}
}

// Failure is the Error for a failed exchange with target, classified as a
// call's error is (the gateway reads streamed answers after the call).
func Failure(target string, err error) *Error { return failure(target, err) }

func errorf(code int, ep, format string, args ...any) *Error {
	return &Error{Code: code, Endpoint: ep, Msg: fmt.Sprintf(format, args...)}
}
