package handlers

import (
	"unicode/utf8"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

// Error codes written in the JSON error body. The 9008xx/9009xx ones are
// WSO2 API-M's (APISecurityConstants, APIThrottleConstants), so clients and
// fault sequences written for API-M keep working.
const (
	CodeInvalidCredentials = "900901"
	CodeMissingCredentials = "900902"
	CodeThrottledOut       = "900800"
	// CodeMediationError is seqgate's own: a sequence failed and no fault
	// sequence answered. API-M has no public code for this case.
	CodeMediationError = "900500"
	// CodeBadPayload: a sequence needed the request payload and it is
	// malformed or nested too deep (400); CodeBadBackendPayload: the same for
	// the backend's response (502). Both are seqgate's own codes.
	CodeBadPayload        = "900400"
	CodeBadBackendPayload = "900502"
)

// Synapse error properties (default scope), the contract of fault sequences.
const (
	PropErrorCode    = "ERROR_CODE"
	PropErrorMessage = "ERROR_MESSAGE"
	PropErrorDetail  = "ERROR_DETAIL"
)

// WriteError answers with a WSO2-style JSON error,
// {"code":"900902","message":"Missing Credentials","description":"..."},
// replacing the response body and status, and records the same values in
// ERROR_CODE, ERROR_MESSAGE and ERROR_DETAIL so later mediation (a fault
// sequence, the usage event) sees why the request ended.
func WriteError(mc *mediation.MessageContext, status int, code, message, description string) {
	mc.Props.Set(PropErrorCode, code)
	mc.Props.Set(PropErrorMessage, message)
	mc.Props.Set(PropErrorDetail, description)
	writeErrorBody(mc, status, code, message, description)
}

// writeErrorBody writes the JSON error without touching the properties.
func writeErrorBody(mc *mediation.MessageContext, status int, code, message, description string) {
	WriteErrorResponse(mc.Resp, status, code, message, description)
}

// WriteErrorResponse writes the JSON error into a bare response, for errors
// raised before a message context exists (the server's own 400/413/431).
func WriteErrorResponse(resp *fasthttp.Response, status int, code, message, description string) {
	var arr [512]byte
	b := append(arr[:0], `{"code":`...)
	b = appendJSONString(b, code)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, message)
	b = append(b, `,"description":`...)
	b = appendJSONString(b, description)
	b = append(b, '}')
	resp.ResetBody()
	resp.SetStatusCode(status)
	resp.Header.SetContentType("application/json")
	resp.SetBody(b)
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
