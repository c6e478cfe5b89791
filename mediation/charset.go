package mediation

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// xmlDeclEncoding finds encoding="..." in an XML declaration.
var xmlDeclEncoding = regexp.MustCompile(`^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// toUTF8 decodes a configuration file that declares a non-UTF-8 encoding
// (Synapse files written on Windows often say encoding="ISO-8859-1") into
// UTF-8, so that both XML passes of ReadConfigFile, whose charset readers
// pass bytes through, see valid UTF-8. Line breaks are kept, so the line
// numbers of errors stay those of the file. The encoding is looked up by
// its IANA name first (ISO-8859-1 is Latin-1 exactly), then by the WHATWG
// labels Go's x/text knows; an unknown one is a clear error. UTF-8, ASCII
// and no declaration leave the bytes as they are.
func toUTF8(file string, data []byte) ([]byte, error) {
	m := xmlDeclEncoding.FindSubmatch(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if m == nil {
		return data, nil
	}
	name := strings.ToLower(string(m[1]))
	switch name {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return data, nil
	}
	var enc encoding.Encoding
	if e, err := ianaindex.IANA.Encoding(name); err == nil && e != nil {
		enc = e
	} else if e, err := htmlindex.Get(name); err == nil {
		enc = e
	} else {
		return nil, &CompileError{File: file, Line: 1, Msg: fmt.Sprintf("invalid xml: unknown encoding %q", m[1])}
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return nil, &CompileError{File: file, Line: 1, Msg: fmt.Sprintf("invalid xml: not %s: %v", m[1], err), Err: err}
	}
	return out, nil
}
