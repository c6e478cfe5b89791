package config

import (
	"fmt"
	"reflect"
	"strconv"
)

// LimitSpec describes one numeric key under `limits:`. LimitTable is the
// one place a limit's default, unit and answer live: defaults, validation
// and the docs check (TestLimitDocs: deploy/config/README.md and
// SECURITY.md) are derived from it, so adding a limit is a Limits field
// with its yaml tag, one row here and the code that enforces it.
type LimitSpec struct {
	Key      string // yaml key under limits:, e.g. "max_body_bytes"
	Default  int64
	Bytes    bool   // a size in bytes (docs may write it as KiB/MiB); else a count
	Status   string // what a request over it gets, as SECURITY.md's status column says it
	Enforced string // where it is checked
}

// LimitTable lists every numeric limit; all must be positive.
var LimitTable = []LimitSpec{
	{"max_body_bytes", DefaultMaxBodyBytes, true, "413", "handlers/gateway Server (fasthttp MaxRequestBodySize), stream.go"},
	{"max_xml_depth", DefaultMaxXMLDepth, false, "400", "mediation payload scan"},
	{"max_json_depth", DefaultMaxJSONDepth, false, "400", "mediation payload scan"},
	{"max_uri_bytes", DefaultMaxURIBytes, true, "414", "handlers/gateway guard"},
	{"max_header_bytes", DefaultMaxHeaderBytes, true, "431", "handlers/gateway guard, read buffer"},
	{"max_headers", DefaultMaxHeaders, false, "431", "handlers/gateway guard"},
	{"max_conns", DefaultMaxConns, false, "503", "handlers/gateway Server (fasthttp Concurrency)"},
	{"max_response_body_bytes", DefaultMaxRespBytes, true, "502", "mediation/endpoint client, handlers/gateway stream.go"},
	{"max_hops", DefaultMaxHops, false, "508", "handlers/gateway forward.go"},
	{"max_backend_hosts", DefaultMaxBackendHosts, false, "least recently used idle client evicted", "mediation/endpoint client pool"},
	{"max_branches_per_request", DefaultMaxBranchesPerRequest, false, "mediation error", "mediation/mediators scatter (clone, iterate, foreach)"},
	{"max_inflight_branches", DefaultMaxInflightBranches, false, "mediation error", "mediation/mediators scatter, across requests"},
	{"max_buffered_bytes", DefaultMaxBuffered, true, "503", "mediation Budget"},
	{"max_xml_elements", DefaultMaxXMLElements, false, "400", "mediation payload scan"},
	{"max_xml_attributes", DefaultMaxXMLAttributes, false, "400", "mediation payload scan"},
	{"max_xml_attribute_length", DefaultMaxXMLAttributeLength, true, "400", "mediation payload scan"},
	{"max_xml_children", DefaultMaxXMLChildren, false, "400", "mediation payload scan"},
	{"max_xml_text_length", DefaultMaxXMLTextLength, true, "400", "mediation payload scan"},
	{"max_json_keys", DefaultMaxJSONKeys, false, "400", "mediation payload scan"},
	{"max_json_array_length", DefaultMaxJSONArrayLength, false, "400", "mediation payload scan"},
	{"max_json_string_length", DefaultMaxJSONStringLength, true, "400", "mediation payload scan"},
	{"max_json_key_length", DefaultMaxJSONKeyLength, true, "400", "mediation payload scan"},
}

// limitFields maps a yaml key under limits: to its field index in Limits.
var limitFields = func() map[string]int {
	m := map[string]int{}
	t := reflect.TypeOf(Limits{})
	for i := range t.NumField() {
		m[t.Field(i).Tag.Get("yaml")] = i
	}
	for _, s := range LimitTable {
		if i, ok := m[s.Key]; !ok || !t.Field(i).Type.ConvertibleTo(reflect.TypeOf(int64(0))) {
			panic("config: LimitTable key " + s.Key + " is not an integer field of Limits")
		}
	}
	return m
}()

// field is the Limits field s describes (an int or int64).
func (s LimitSpec) field(l *Limits) reflect.Value {
	return reflect.ValueOf(l).Elem().Field(limitFields[s.Key])
}

// Human writes the default as the docs do: "10 MiB", "8 KiB", "100".
func (s LimitSpec) Human() string {
	switch {
	case s.Bytes && s.Default >= 1<<20 && s.Default%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", s.Default>>20)
	case s.Bytes && s.Default >= 2<<10 && s.Default%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", s.Default>>10)
	}
	return strconv.FormatInt(s.Default, 10)
}

// defaults fills every unset numeric limit from LimitTable, and the enums.
func (l *Limits) defaults() {
	for _, s := range LimitTable {
		if f := s.field(l); f.Int() == 0 {
			f.SetInt(s.Default)
		}
	}
	setStr(&l.JSONDuplicateKeys, JSONDuplicateKeysRefuse)
}

// validate refuses a limit that is not positive.
func (l *Limits) validate(p *problems) {
	for _, s := range LimitTable {
		if s.field(l).Int() <= 0 {
			p.add("limits.%s: must be positive", s.Key)
		}
	}
}
