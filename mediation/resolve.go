package mediation

import (
	"errors"
	"regexp"
	"strings"

	"github.com/beevik/etree"
)

// Resource is what a Synapse key names: a local entry
// (synapse-configs/default/local-entries) or a registry resource (gov:/…,
// conf:/…). It is read and parsed once, at deploy time, and never modified
// afterwards: many compiled sequences may hold parts of it.
type Resource struct {
	Key  string
	File string // where it was defined (errors name it)
	Line int    // line of the <localEntry>; 0 for a registry file
	// XML is the resource's root element (inline XML of a local entry, or
	// a registry file that parses as XML); nil for a text resource.
	XML *etree.Element
	// Lines maps the elements under XML to their source line in File.
	Lines map[*etree.Element]int
	// Text is the content: the text of a text resource, or the serialized
	// XML of an XML resource.
	Text string
}

// Resolver finds the resource a key names in one tenant's snapshot of
// local entries and registry resources. It is consulted at deploy time
// only: a sequence compiled against one snapshot keeps what it resolved.
type Resolver interface {
	// Resolve returns the resource, or ErrNoResource (wrapped) when the
	// snapshot has none.
	Resolve(key string) (*Resource, error)
}

// ErrNoResource is returned (wrapped) by a Resolver for an unknown key.
var ErrNoResource = errors.New("no local entry or registry resource")

// IsRegistryKey reports whether key names a registry resource (gov:/…,
// conf:/…), which must resolve: it cannot be a deployed sequence or
// endpoint name resolved at run time.
func IsRegistryKey(key string) bool {
	return strings.HasPrefix(key, "gov:") || strings.HasPrefix(key, "conf:")
}

// maxResourceNesting bounds resources that pull in resources (a sequence
// entry calling another): deeper than this is a reference cycle in practice.
const maxResourceNesting = 16

// LookupResource resolves key for the element el (attribute attr). found is
// false, with no error, when the key is a plain name the snapshot lacks
// (the caller may fall back to a deployed sequence or endpoint by that
// name); a gov:/conf: key the snapshot lacks is a CompileError naming the
// key. Every key asked for is recorded in Resources, found or not, so the
// deployer can recompile this file when that key changes.
func (c *Compiler) LookupResource(el *etree.Element, attr, key string) (res *Resource, found bool, err error) {
	c.Resources = append(c.Resources, key)
	if c.Resolver != nil {
		res, err = c.Resolver.Resolve(key)
		if err == nil {
			return res, true, nil
		}
		if !errors.Is(err, ErrNoResource) {
			return nil, false, c.Errorf(el, "%s=%q: %v", attr, key, err)
		}
	}
	if IsRegistryKey(key) {
		return nil, false, c.Errorf(el, "%s=%q: no registry resource with that key (expected under the tenant's registry folder)", attr, key)
	}
	return nil, false, nil
}

// MustResource is LookupResource for keys that can only be resources (a
// payloadFactory format, a schema, a script): a missing key is an error.
func (c *Compiler) MustResource(el *etree.Element, attr, key string) (*Resource, error) {
	res, found, err := c.LookupResource(el, attr, key)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, c.Errorf(el, "%s=%q: no local entry or registry resource with that key", attr, key)
	}
	return res, nil
}

// InResource runs compile with c pointed at res's file and lines, so that
// errors inside a resource's content name the resource's own file:line.
// A resource that (through others) includes itself is refused.
func (c *Compiler) InResource(el *etree.Element, res *Resource, compile func() error) error {
	for _, k := range c.resolving {
		if k == res.Key {
			return c.Errorf(el, "key %q: resource reference cycle: %s -> %s", res.Key, strings.Join(c.resolving, " -> "), res.Key)
		}
	}
	if len(c.resolving) >= maxResourceNesting {
		return c.Errorf(el, "key %q: resources nested deeper than %d levels", res.Key, maxResourceNesting)
	}
	file, lines := c.File, c.Lines
	c.File, c.Lines = res.File, res.Lines
	c.resolving = append(c.resolving, res.Key)
	err := compile()
	c.File, c.Lines = file, lines
	c.resolving = c.resolving[:len(c.resolving)-1]
	if err != nil {
		// Name both ends: the referencing element, and the resource's own
		// file:line where the content is wrong.
		return c.Errorf(el, "key %q: %v", res.Key, err)
	}
	return nil
}

// registryGet is get-property('registry', key): the content of the local
// entry or registry resource, as Synapse returns the entry's value. A text
// resource gives its text; an XML resource its serialized XML (Synapse
// hands back the OMElement, which a string context serializes). The
// path@property form reads registry resource metadata, which a folder of
// files does not carry: it gives "" (unset), as an unknown key does.
func (mc *MessageContext) registryGet(key string) (string, bool) {
	if mc.Registry == nil || strings.Contains(key, "@") {
		return "", false
	}
	res, err := mc.Registry.Resolve(key)
	if err != nil {
		return "", false
	}
	return res.Text, true
}

// registryRef finds get-property('registry', '<literal key>') in an
// expression, so that a static key is checked when the sequence deploys.
var registryRef = regexp.MustCompile(`get-property\(\s*['"]registry['"]\s*,\s*['"]([^'"{}@]+)['"]\s*\)`)

// checkRegistryRefs resolves the static registry keys an expression reads:
// a gov:/conf: key the snapshot lacks is a deploy error, like every key.
func (c *Compiler) checkRegistryRefs(el *etree.Element, attr, src string) error {
	for _, m := range registryRef.FindAllStringSubmatch(src, -1) {
		if _, _, err := c.LookupResource(el, attr, m[1]); err != nil {
			return c.Errorf(el, "%s: get-property('registry', %q): no registry resource with that key", attr, m[1])
		}
	}
	return nil
}
