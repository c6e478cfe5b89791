package mediators

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/beevik/etree"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/seqgate/seqgate/mediation"
)

// maxSchemaSize bounds a schema file read at deploy time.
const maxSchemaSize = 1 << 20

// schemaURL names the one schema of a <validate>: references inside it to
// anything else are refused (noLoader), so a schema cannot read files or
// reach the network.
const schemaURL = "mem:///schema.json"

// compileSchema reads the single <schema>: key= a local entry or registry
// resource (resolved at deploy time), else a file relative to the sequence
// file's folder, or inline JSON text.
func compileSchema(el *etree.Element, c *mediation.Compiler) (*jsonschema.Schema, error) {
	var sch *etree.Element
	for _, ch := range el.ChildElements() {
		if ch.Tag == "schema" {
			if sch != nil {
				return nil, c.Errorf(ch, "only one <schema> is supported")
			}
			sch = ch
		}
	}
	if sch == nil {
		return nil, c.Errorf(el, "<schema> is required")
	}
	text, err := schemaText(sch, c)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(text, "<") {
		return nil, c.Errorf(sch, "%v", errNoXSD)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		return nil, c.Errorf(sch, "schema is not valid JSON: %v", err)
	}
	jc := jsonschema.NewCompiler()
	jc.UseLoader(noLoader{})
	if err := jc.AddResource(schemaURL, doc); err != nil {
		return nil, c.Errorf(sch, "schema: %s", flattenReport(err.Error()))
	}
	s, err := jc.Compile(schemaURL)
	if err != nil {
		return nil, c.Errorf(sch, "schema: %s", flattenReport(err.Error()))
	}
	return s, nil
}

func schemaText(sch *etree.Element, c *mediation.Compiler) (string, error) {
	key, hasKey := mediation.Attr(sch, "key")
	inline := strings.TrimSpace(charData(sch))
	switch {
	case hasKey && inline != "":
		return "", c.Errorf(sch, "use either key= or an inline schema, not both")
	case !hasKey && inline == "":
		return "", c.Errorf(sch, "a key= (schema file) or an inline JSON schema is required")
	case !hasKey:
		return inline, nil
	}
	if !strings.HasPrefix(strings.TrimSpace(key), "{") {
		res, found, err := c.LookupResource(sch, "key", key)
		if err != nil {
			return "", err
		}
		if found {
			return strings.TrimSpace(res.Text), nil
		}
	}
	path, err := schemaPath(c.File, key)
	if err != nil {
		return "", c.Errorf(sch, "key=%q: %v", key, err)
	}
	b, err := readLimited(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", c.Errorf(sch, "key=%q: no local entry or registry resource with that key, and no schema file %s", key, path)
	}
	if err != nil {
		return "", c.Errorf(sch, "key=%q: %v", key, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// schemaPath resolves key against the sequence file's folder. Registry keys
// (conf:, gov:, reg:...), dynamic keys and paths leaving the folder are
// refused with what to do instead.
func schemaPath(seqFile, key string) (string, error) {
	k := strings.TrimSpace(key)
	switch {
	case strings.HasPrefix(k, "{"):
		return "", errors.New("dynamic schema keys are not supported")
	case strings.Contains(k, ":"):
		return "", errors.New(`registry keys are not supported: put the schema in a file next to the sequence ` +
			`and write key="schemas/name.json" (relative to the sequence file), or inline the JSON schema in <schema>`)
	case k == "" || filepath.IsAbs(k) || !filepath.IsLocal(k):
		return "", errors.New("want a relative path inside the sequence file's folder")
	}
	if strings.EqualFold(filepath.Ext(k), ".xsd") {
		return "", errNoXSD
	}
	return filepath.Join(filepath.Dir(seqFile), k), nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSchemaSize+1))
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	if len(b) > maxSchemaSize {
		return nil, fmt.Errorf("schema file is larger than %d bytes", maxSchemaSize)
	}
	return b, nil
}

// noLoader refuses every external reference ($ref to a URL or file).
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("external schema reference %q is not allowed", url)
}
