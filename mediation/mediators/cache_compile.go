package mediators

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// Defaults of carbon-mediation's CachingConstants, except where a gateway
// must be bounded: Synapse caches any status and any number of entries.
const (
	defaultCacheTimeout    = 5000 * time.Second // DEFAULT_TIMEOUT, in seconds
	defaultCacheMaxEntries = 1000
	defaultCacheCodes      = "2[0-9][0-9]"
)

// hashGenerators are the WSO2 classes a config may name; all of them mean
// "hash the HTTP request" here.
var hashGenerators = []string{"HttpRequestHashGenerator", "REQUESTHASHGenerator", "DOMHASHGenerator",
	"RESTRequestHashGenerator"}

func newCache(el *etree.Element, c *mediation.Compiler) (mediation.Mediator, error) {
	m := &cache{}
	var err error
	if m.collector, err = boolAttr(el, c, "collector", false); err != nil {
		return nil, err
	}
	c.NeedsBody = true // the finder hashes the body, the collector stores it
	m.id, _ = mediation.Attr(el, "id")
	if m.id == "" {
		m.id = fmt.Sprintf("%s:%d", c.File, c.Line(el))
	}
	if err := checkCacheAttrs(el, c); err != nil {
		return nil, err
	}
	if m.collector {
		if hit := synapseChild(el, "onCacheHit"); hit != nil {
			return nil, c.Errorf(hit, "a collector never runs onCacheHit; put it on the finder")
		}
		return m, nil
	}
	if m.cfg, err = compileCacheConfig(el, c); err != nil {
		return nil, err
	}
	if hit := synapseChild(el, "onCacheHit"); hit != nil {
		if m.onHit, err = compileBranch(hit, c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// checkCacheAttrs validates the attributes both forms share.
func checkCacheAttrs(el *etree.Element, c *mediation.Compiler) error {
	if s, ok := mediation.Attr(el, "scope"); ok && s != "per-host" && s != "per-mediator" {
		return c.Errorf(el, "scope=%q: want per-host or per-mediator", s)
	}
	if g, ok := mediation.Attr(el, "hashGenerator"); ok {
		return checkHashGenerator(el, c, g)
	}
	return nil
}

func checkHashGenerator(el *etree.Element, c *mediation.Compiler, g string) error {
	g = strings.TrimSpace(g)
	for _, n := range hashGenerators {
		if strings.HasPrefix(g, "org.wso2.") && strings.HasSuffix(g, "."+n) {
			return nil
		}
	}
	return c.Errorf(el, "hashGenerator %q: custom hash generators are not supported; requests are hashed from method, URI, headers and body", g)
}

func compileCacheConfig(el *etree.Element, c *mediation.Compiler) (*cacheConfig, error) {
	cfg := &cacheConfig{timeout: defaultCacheTimeout, maxEntries: defaultCacheMaxEntries, methods: []string{"*"}}
	if v, ok := mediation.Attr(el, "timeout"); ok {
		n, err := cacheInt(v)
		if err != nil {
			return nil, c.Errorf(el, "timeout=%q: %v", v, err)
		}
		cfg.timeout = time.Duration(n) * time.Second
	}
	if v, ok := mediation.Attr(el, "maxMessageSize"); ok {
		n, err := cacheInt(v)
		if err != nil {
			return nil, c.Errorf(el, "maxMessageSize=%q: %v", v, err)
		}
		cfg.maxMessageSize = n
	}
	codes := defaultCacheCodes
	for _, ch := range el.ChildElements() {
		var err error
		switch ch.Tag {
		case "onCacheHit", "description":
		case "implementation":
			err = compileCacheImpl(ch, c, cfg)
		case "protocol":
			err = compileCacheProtocol(ch, c, cfg, &codes)
		default:
			err = c.Errorf(ch, "unknown child of <cache>")
		}
		if err != nil {
			return nil, err
		}
	}
	re, err := mediation.CompileRegex(codes)
	if err != nil {
		return nil, c.Errorf(el, "responseCodes %q: %v", codes, err)
	}
	cfg.codes = re
	return cfg, nil
}

func compileCacheImpl(el *etree.Element, c *mediation.Compiler, cfg *cacheConfig) error {
	if t, ok := mediation.Attr(el, "type"); ok && t != "memory" {
		return c.Errorf(el, "type=%q: only memory caches are supported", t)
	}
	if v, ok := mediation.Attr(el, "maxSize"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n == 0 || n < -1 {
			return c.Errorf(el, "maxSize=%q: want a positive number of entries", v)
		}
		if n > 0 { // -1 is Synapse's "unlimited": keep the default bound
			cfg.maxEntries = n
		}
	}
	return nil
}

// compileCacheProtocol reads <protocol type="HTTP">'s children.
func compileCacheProtocol(el *etree.Element, c *mediation.Compiler, cfg *cacheConfig, codes *string) error {
	if t, ok := mediation.Attr(el, "type"); ok && !strings.EqualFold(t, "HTTP") {
		return c.Errorf(el, "type=%q: only HTTP is supported", t)
	}
	for _, ch := range el.ChildElements() {
		text := strings.TrimSpace(ch.Text())
		var err error
		switch ch.Tag {
		case "methods":
			cfg.methods = cacheList(text, strings.ToUpper)
			if len(cfg.methods) == 0 {
				cfg.methods = []string{"*"}
			}
		case "headersToExcludeInHash":
			cfg.exclude = cacheList(text, strings.ToLower)
		case "headersToIncludeInHash":
			cfg.include = cacheList(text, strings.ToLower)
		case "responseCodes":
			if text != "" {
				*codes = text
			}
		case "enableCacheControl":
			cfg.cacheControl, err = cacheBool(ch, c, text)
		case "includeAgeHeader":
			cfg.ageHeader, err = cacheBool(ch, c, text)
		case "hashGenerator":
			if text != "" {
				err = checkHashGenerator(ch, c, text)
			}
		default:
			err = c.Errorf(ch, "unknown child of <protocol>")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func cacheList(s string, norm func(string) string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, norm(p))
		}
	}
	return out
}

func cacheBool(el *etree.Element, c *mediation.Compiler, s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	}
	return false, c.Errorf(el, "%q: want true or false", s)
}

func cacheInt(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("want a positive integer")
	}
	return n, nil
}
