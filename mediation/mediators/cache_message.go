package mediators

import (
	"bytes"
	"hash/maphash"
	"strconv"
	"strings"
	"time"

	"github.com/seqgate/seqgate/mediation"
)

// Two process-wide random seeds make the 128-bit request hash: collisions
// cannot be crafted by a client that never sees the seeds, and keys only
// need to be stable for the life of the process (the cache is in memory).
var cacheSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// unhashedHeaders are never part of the hash nor of a stored response: they
// describe one connection or the body's framing, not the resource
// (Content-Type is hashed and stored apart). Not endpoint's hop-by-hop
// list: that one is what a proxy strips (RFC 9110), a different question.
var unhashedHeaders = []string{"connection", "keep-alive", "content-length", "transfer-encoding",
	"te", "trailer", "upgrade", "proxy-connection", "content-type"}

func (cfg *cacheConfig) cachesMethod(m []byte) bool {
	for _, x := range cfg.methods {
		if x == "*" || x == string(m) {
			return true
		}
	}
	return false
}

// hashesHeader reports whether header k takes part in the request hash.
// Content-Type is left to the loop's caller, which hashes it explicitly.
func (cfg *cacheConfig) hashesHeader(k []byte) bool {
	if foldIn(k, unhashedHeaders) {
		return false
	}
	if len(cfg.include) > 0 {
		return foldIn(k, cfg.include)
	}
	return !(len(cfg.exclude) == 1 && cfg.exclude[0] == "*") && !foldIn(k, cfg.exclude)
}

func foldIn(k []byte, names []string) bool {
	for _, n := range names {
		if len(n) == len(k) && bytes.EqualFold(k, []byte(n)) {
			return true
		}
	}
	return false
}

// requestKey hashes method, full request URI, Content-Type, the hashed
// headers (in any order: their hashes are summed) and the body.
func requestKey(mc *mediation.MessageContext, cfg *cacheConfig) cacheKey {
	var k cacheKey
	var hh maphash.Hash
	for i, seed := range cacheSeeds {
		var sum uint64
		mc.Req.Header.VisitAll(func(name, v []byte) {
			if cfg.hashesHeader(name) {
				hh.SetSeed(seed)
				hh.Write(name)
				hh.WriteByte(0)
				hh.Write(v)
				sum += hh.Sum64()
			}
		})
		hh.SetSeed(seed)
		hh.Write(mc.Req.Header.Method())
		hh.WriteByte(0)
		hh.Write(mc.Req.Header.RequestURI())
		hh.WriteByte(0)
		hh.Write(mc.Req.Header.ContentType())
		hh.WriteByte(0)
		var b [8]byte
		for j := range b {
			b[j] = byte(sum >> (8 * j))
		}
		hh.Write(b[:])
		hh.Write(mc.Req.Body())
		k[i] = hh.Sum64()
	}
	return k
}

// useCachedResponse makes r the current message on the request path, in
// the form respond sends: status as HTTP_SC, headers as set by a mediator.
func useCachedResponse(mc *mediation.MessageContext, r *cachedResponse, age bool, now time.Time) {
	mc.SetProperty(mediation.ScopeAxis2, "HTTP_SC", strconv.Itoa(r.status))
	mc.RemoveProperty(mediation.ScopeAxis2, "NO_ENTITY_BODY")
	for _, h := range r.headers {
		mc.SetHeader(h[0], h[1])
	}
	if age {
		mc.SetHeader("Age", strconv.Itoa(int(now.Sub(r.stored)/time.Second)))
	}
	if r.contentType != "" {
		mc.SetContentType(r.contentType)
	} else {
		mc.Req.Header.Del("Content-Type")
	}
	mc.SetBody(r.body)
}

// responseToCache copies the current response if the finder's settings let
// it be cached, or returns nil.
func responseToCache(mc *mediation.MessageContext, cfg *cacheConfig, now time.Time) *cachedResponse {
	resp := mc.Resp
	if !cfg.codes.MatchString(strconv.Itoa(resp.StatusCode())) {
		return nil
	}
	body := resp.Body()
	if cfg.maxMessageSize > 0 && len(body) > cfg.maxMessageSize {
		return nil
	}
	ttl := cfg.timeout
	if cfg.cacheControl {
		var ok bool
		if ttl, ok = cacheControlTTL(string(resp.Header.Peek("Cache-Control")), ttl); !ok {
			return nil
		}
	}
	r := &cachedResponse{status: resp.StatusCode(), contentType: string(resp.Header.ContentType()),
		body: append([]byte(nil), body...), stored: now, expires: now.Add(ttl)}
	resp.Header.VisitAll(func(k, v []byte) {
		if !foldIn(k, unhashedHeaders) {
			r.headers = append(r.headers, [2]string{string(k), string(v)})
		}
	})
	return r
}

// cacheControlTTL applies a response's Cache-Control when
// enableCacheControl is on: no-store and no-cache keep it out of the cache,
// max-age shortens the timeout.
func cacheControlTTL(cc string, ttl time.Duration) (time.Duration, bool) {
	for _, d := range strings.Split(cc, ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		switch {
		case d == "no-store" || d == "no-cache" || d == "private":
			return 0, false
		case strings.HasPrefix(d, "max-age="):
			n, err := strconv.Atoi(d[len("max-age="):])
			if err != nil || n <= 0 {
				return 0, false
			}
			if s := time.Duration(n) * time.Second; s < ttl {
				ttl = s
			}
		}
	}
	return ttl, true
}
