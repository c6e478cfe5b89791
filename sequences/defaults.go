package sequences

import (
	"embed"
	"sync"
)

// Key-type error sequences (API-M's names): the gateway runs them when a
// credential's key type has no endpoint on the API, and API-M's generated
// APIs call them from their AM_KEY_TYPE filter.
const (
	SandboxKeyError    = "_sandbox_key_error_"
	ProductionKeyError = "_production_key_error_"
)

// defaultFS holds the sequences every tenant has unless it deploys its
// own under the same name, as API-M copies its defaults into each tenant
// (Set.Get falls back to them).
// Each has two versions: <name>.xml is API-M's file, which leaves the
// answer to the tenant's fault sequence; <name>.nofault.xml, used when
// the tenant has no fault (seqgate ships none), answers what API-M's
// default fault answers a REST client itself.
//
//go:embed defaults/*.xml
var defaultFS embed.FS

var defaultNames = []string{SandboxKeyError, ProductionKeyError}

// defaults compiles the embedded sequences once; they are immutable and
// shared by every tenant's Set. [0] without fault, [1] with it.
var defaults = sync.OnceValues(func() ([2][]*Sequence, error) {
	var out [2][]*Sequence
	for _, name := range defaultNames {
		for i, suffix := range []string{".nofault.xml", ".xml"} {
			path := "defaults/" + name + suffix
			data, err := defaultFS.ReadFile(path)
			if err != nil {
				return out, err
			}
			seq, err := Compile("(built-in) "+path, data)
			if err != nil {
				return out, err
			}
			out[i] = append(out[i], seq)
		}
	}
	return out, nil
})

// builtin is the built-in sequence called name (nil when there is none):
// the version that calls fault when hasFault. Set.Get falls back to it, so
// every tenant has these names unless it deploys its own, without them
// being listed among its files or names.
func builtin(name string, hasFault bool) *Sequence {
	if name != SandboxKeyError && name != ProductionKeyError {
		return nil
	}
	all, err := defaults()
	if err != nil { // the embedded files are ours; TestDefaultsCompile keeps them compiling
		return nil
	}
	i := 0
	if hasFault {
		i = 1
	}
	for _, seq := range all[i] {
		if seq.Name == name {
			return seq
		}
	}
	return nil
}
