package mediation

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

// Request trailers (fields after a chunked body) are dropped before
// anything reads them. fasthttp keeps them in a trailer section that Peek
// reads after the header section, so an apikey sent only as a trailer
// authenticated; deleting the Trailer hop header before the backend call
// moves the trailer section back into the headers, so the fields reached
// the backend as headers, past the header limits; a streamed body's
// trailers were forwarded as trailers (issue 13). Like nginx, the gateway
// forwards no request trailers. They are parsed when the body has been
// read: by fasthttp before the handler for a buffered body (the gateway's
// guard counts them against limits.max_headers/max_header_bytes and drops
// them), by the body gate (LoadBody) or the backend call for a streamed
// one (dropped as the stream ends).

// TrailerSize returns the number of trailer fields of req and their bytes
// as received lines ("Name: value\r\n"); 0, 0 without any.
func TrailerSize(req *fasthttp.Request) (n, size int) {
	if len(req.Header.PeekTrailerKeys()) == 0 {
		return 0, 0
	}
	block := req.Header.TrailerHeader() // one line per value, then an empty line
	size = len(block) - 2
	n = bytes.Count(block, []byte("\r\n")) - 1
	return n, size
}

// DropTrailers removes the trailer fields of h and the Trailer header that
// announced them, keeping the header-section values of the same names
// (fasthttp deletes a name from both sections at once).
func DropTrailers(h *fasthttp.RequestHeader) {
	keys := h.PeekTrailerKeys()
	if len(keys) == 0 {
		return
	}
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = string(k)
	}
	type field struct{ k, v string }
	var keep []field
	for k, v := range h.All() {
		for _, n := range names {
			if bytes.EqualFold(k, []byte(n)) {
				keep = append(keep, field{string(k), string(v)})
				break
			}
		}
	}
	for _, n := range names {
		h.Del(n)
	}
	h.Del(fasthttp.HeaderTrailer)
	for _, f := range keep {
		h.Add(f.k, f.v)
	}
}
