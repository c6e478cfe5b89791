package deploy

import (
	"fmt"
	"sort"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/sequences"
)

// States of a library use (LibraryUseStatus.State), besides StateActive
// and StateRefused (the copy would close a reference cycle).
const (
	StateMissing    = "missing"    // the library has no sequence of that name (yet)
	StateOverridden = "overridden" // a file in the sequences folder defines the per-API name
)

// LibraryStatus is a tenant's custom sequence library: its files, the
// sequences it offers and the APIs using each, and every use the config
// asks for with what came of it.
type LibraryStatus struct {
	Dir       string             `json:"dir"`
	Files     []FileStatus       `json:"files"` // File is "<flow>/<file name>"
	Sequences []LibrarySequence  `json:"sequences"`
	Uses      []LibraryUseStatus `json:"uses"`
	Error     string             `json:"error,omitempty"` // a library folder cannot be read
}

// LibrarySequence is one sequence of the library.
type LibrarySequence struct {
	Flow   string   `json:"flow"` // in, out or fault
	Name   string   `json:"name"`
	File   string   `json:"file"`
	UsedBy []string `json:"used_by"` // Synapse API names
}

// LibraryUseStatus is one API's use of one library sequence. The API keeps
// serving when it is not active; it runs without that sequence (or with the
// overriding file's).
type LibraryUseStatus struct {
	API      string `json:"api"`
	Flow     string `json:"flow"`
	Library  string `json:"library"`  // the library sequence named in the config
	Sequence string `json:"sequence"` // the per-API name it is deployed as
	State    string `json:"state"`
	File     string `json:"file,omitempty"` // the library file, or the overriding file
	Error    string `json:"error,omitempty"`
	Warning  string `json:"warning,omitempty"`
}

// status reports the library after a link; reports are Build's, one per
// derived copy, and set is the Set they were linked into.
func (l *library) status(ds []derived, reports []sequences.Report, set *sequences.Set) LibraryStatus {
	st := LibraryStatus{Dir: l.dir, Files: []FileStatus{}, Sequences: []LibrarySequence{}, Uses: make([]LibraryUseStatus, len(ds))}
	usedBy := map[string][]string{}
	for i, d := range ds {
		st.Uses[i] = useStatus(d, reports[i], set)
		key := d.flow.String() + "/" + d.lib
		usedBy[key] = append(usedBy[key], d.api)
	}
	for f := range numFlows {
		st.Files = append(st.Files, l.files[f]...)
		for name, seq := range l.served[f] {
			users := usedBy[f.String()+"/"+name]
			if users == nil {
				users = []string{}
			}
			st.Sequences = append(st.Sequences, LibrarySequence{Flow: f.String(), Name: name, File: seq.File, UsedBy: users})
		}
		if l.readErr[f] != "" {
			st.Error = joinErr(st.Error, l.readErr[f])
		}
	}
	sort.Slice(st.Sequences, func(i, j int) bool {
		a, b := st.Sequences[i], st.Sequences[j]
		return a.Flow < b.Flow || a.Flow == b.Flow && a.Name < b.Name
	})
	return st
}

// useStatus decides what one derived copy became.
func useStatus(d derived, rep sequences.Report, set *sequences.Set) LibraryUseStatus {
	u := LibraryUseStatus{API: d.api, Flow: d.flow.String(), Library: d.lib, Sequence: d.name, State: StateActive}
	switch served := set.Get(d.name); {
	case d.from == nil:
		u.State = StateMissing
		u.Error = fmt.Sprintf("library sequence %q not found in customsequences/%s; the API runs without it", d.lib, d.flow)
	case rep.Served:
		u.File = d.from.File
	case served != nil && served.File != d.from.File:
		u.State, u.File = StateOverridden, served.File
		u.Warning = fmt.Sprintf("%s defines %s and wins over library sequence %q (%s)", served.File, d.name, d.lib, d.from.File)
	default:
		u.State, u.File = StateRefused, d.from.File
		if rep.Err != nil {
			u.Error = rep.Err.Error()
		}
	}
	return u
}

func joinErr(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// logUses logs each use whose outcome changed since the last reload: a
// problem once when it appears, and its resolution.
func (l *library) logUses(log *zap.Logger, uses []LibraryUseStatus) {
	seen := make(map[string]string, len(uses))
	for _, u := range uses {
		key := u.Sequence
		now := u.State + u.Error + u.Warning + u.File
		seen[key] = now
		if l.logged[key] == now {
			continue
		}
		fields := []zap.Field{zap.String("api", u.API), zap.String("flow", u.Flow), zap.String("library", u.Library), zap.String("sequence", u.Sequence)}
		switch u.State {
		case StateMissing:
			log.Warn("library sequence missing", append(fields, zap.String("error", u.Error))...)
		case StateOverridden:
			log.Warn("library sequence overridden by a per-API file", append(fields, zap.String("file", u.File))...)
		case StateRefused:
			log.Error("library sequence refused for API", append(fields, zap.String("error", u.Error))...)
		default:
			log.Info("library sequence deployed for API", append(fields, zap.String("file", u.File))...)
		}
	}
	l.logged = seen
}
