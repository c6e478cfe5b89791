package deploy

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/mediation"
	"github.com/seqgate/seqgate/sequences"
)

// The custom sequence library is WSO2 API-M's customsequences registry
// folder on disk: synapse-configs/default/customsequences/{in,out,fault}
// per tenant. Its sequences are not deployed under their own names; an API
// that names one in its config (apis[].mediation) gets a copy under its
// per-API name (<api>--In, --Out, --Fault), as the API-M publisher rewrites
// the name attribute when it pushes a mediation policy to the gateway. The
// copies join the tenant's Set after the sequences folder's files, so an
// explicit per-API file of the same name wins (with a warning).

// flow is one folder of the library.
type flow int

const (
	flowIn flow = iota
	flowOut
	flowFault
	numFlows
)

var flowNames = [numFlows]string{"in", "out", "fault"}

func (f flow) String() string { return flowNames[f] }

// perAPIName is the name the API's copy of a library sequence is deployed as.
func (f flow) perAPIName(api string) string {
	switch f {
	case flowIn:
		return sequences.APISequenceName(api, mediation.In)
	case flowOut:
		return sequences.APISequenceName(api, mediation.Out)
	}
	return sequences.APIFaultSequenceName(api)
}

// LibraryUse is one API's use of its tenant's custom sequence library.
type LibraryUse struct {
	API   string // Synapse API name, provider--name:vversion (sequences.APIName)
	In    string // library sequence names; "" for none
	Out   string
	Fault string
}

func (u LibraryUse) name(f flow) string { return [numFlows]string{u.In, u.Out, u.Fault}[f] }

// LibraryUses maps the APIs of a config that name library sequences to
// their tenant's domain, the argument SetLibraryUse takes.
func LibraryUses(apis []config.API) map[string][]LibraryUse {
	out := map[string][]LibraryUse{}
	for i := range apis {
		a := &apis[i]
		if !a.Mediation.Any() {
			continue
		}
		domain := a.Tenant
		if domain == "" {
			domain = config.SuperTenantDomain
		}
		out[domain] = append(out[domain], LibraryUse{API: a.SynapseName(), In: a.Mediation.In, Out: a.Mediation.Out, Fault: a.Mediation.Fault})
	}
	return out
}

// SetLibraryUse tells the repository which library sequences each tenant's
// APIs use (by domain; a domain left out uses none), as the config says on
// start and after each config reload. Tenants whose use changed are rebuilt
// and published before it returns, so a router swapped in afterwards finds
// its APIs' sequences in place.
func (r *Repository) SetLibraryUse(uses map[string][]LibraryUse) {
	r.setMu.Lock()
	defer r.setMu.Unlock()
	cp := make(map[string][]LibraryUse, len(uses))
	for d, us := range uses {
		us = slices.Clone(us)
		sort.SliceStable(us, func(i, j int) bool { return us[i].API < us[j].API })
		cp[d] = us
	}
	r.libUse.Store(&cp)
	r.mu.Lock()
	live := r.started && !r.closed
	r.mu.Unlock()
	for _, t := range r.tenants() {
		if t.setUses(cp[t.domain]) && live {
			t.reload(false)
		}
	}
}

// usesFor is the library use last set for domain.
func (r *Repository) usesFor(domain string) []LibraryUse {
	if m := r.libUse.Load(); m != nil {
		return (*m)[domain]
	}
	return nil
}

// setUses replaces the tenant's library use and reports whether it changed.
func (t *tenant) setUses(us []LibraryUse) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if slices.Equal(t.lib.uses, us) {
		return false
	}
	t.lib.uses = us
	return true
}

// library is a tenant's customsequences folders and what was built from
// them. Guarded by tenant.mu.
type library struct {
	dir     string
	folders [numFlows]*folder[sequences.Sequence]
	served  [numFlows]map[string]*sequences.Sequence // by library name; kept when a folder cannot be read
	files   [numFlows][]FileStatus
	uses    []LibraryUse
	copies  map[string]libCopy // by per-API name: reused while the library sequence is unchanged
	logged  map[string]string  // what was last logged per use, so each problem is logged once
	readErr [numFlows]string
}

// libCopy is one per-API copy of a library sequence.
type libCopy struct{ from, seq *sequences.Sequence }

var libraryKind = kind[sequences.Sequence]{folder: "customsequences", isFile: sequences.IsSequenceFile,
	maxSize: sequences.MaxFileSize, compile: sequences.Compile, optional: true}

func newLibrary(dir string) library {
	l := library{dir: dir, copies: map[string]libCopy{}, logged: map[string]string{}}
	for f := range numFlows {
		l.folders[f] = newFolder(&libraryKind, filepath.Join(dir, f.String()))
		l.files[f] = []FileStatus{}
	}
	return l
}

// rescan reads the three folders. A folder that cannot be read keeps the
// sequences it served.
func (l *library) rescan(log *zap.Logger, now time.Time) {
	for f := range numFlows {
		files, err := l.folders[f].rescan(log, now)
		if err != nil {
			if l.readErr[f] == "" {
				log.Error("cannot read library folder; keeping its sequences", zap.String("dir", l.folders[f].dir), zap.Error(err))
			}
			l.readErr[f] = fmt.Sprintf("%s unreadable, last good library sequences kept: %v", l.folders[f].dir, err)
			continue
		}
		l.readErr[f] = ""
		l.served[f], l.files[f] = linkLibrary(f, files)
		logRefusals(log, "library sequence refused", files, l.files[f])
	}
}

// linkLibrary indexes one folder by name, in deploy order: a later file
// claiming a taken name is refused (its last good version serves if its
// name is free), as in the sequences folder.
func linkLibrary(f flow, files []*file[sequences.Sequence]) (map[string]*sequences.Sequence, []FileStatus) {
	byName := make(map[string]*sequences.Sequence, len(files))
	out := make([]FileStatus, len(files))
	for i, fl := range files {
		seq, err := fl.offer()
		if seq != nil && byName[seq.Name] != nil {
			err = linkError(seq, fmt.Sprintf("library sequence %q is already defined in %s; refused from %s", seq.Name, byName[seq.Name].File, seq.File))
			seq = nil
			if fl.good != nil && fl.good != fl.latest && byName[fl.good.Name] == nil {
				seq = fl.good
			}
		}
		st := FileStatus{File: f.String() + "/" + fl.name, Path: fl.path, State: StateActive, Sequences: []string{}}
		if seq != nil {
			byName[seq.Name], fl.good = seq, seq
			st.Sequences, st.Warnings = []string{seq.Name}, seq.Warnings
		}
		if err != nil {
			st.State, st.Error, st.ServingLastGood = StateRefused, err.Error(), seq != nil
		}
		out[i] = st
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return byName, out
}

func linkError(seq *sequences.Sequence, msg string) error {
	return &mediation.CompileError{File: seq.File, Line: seq.Line, Element: "sequence", Msg: msg}
}

// derived is one (API, flow) the config asks for, and the copy offered to
// the Set (nil when the library lacks the sequence).
type derived struct {
	api, lib, name string
	flow           flow
	from, seq      *sequences.Sequence
}

// derive builds the per-API copies the uses ask for. A copy shares the
// compiled body (immutable) and differs only in its name, so it costs one
// struct; it is reused while its library sequence is unchanged, which keeps
// hot reloads from logging every copy as updated.
func (l *library) derive() []derived {
	var out []derived
	copies := make(map[string]libCopy, len(l.copies))
	for _, u := range l.uses {
		for f := range numFlows {
			lib := u.name(f)
			if lib == "" {
				continue
			}
			d := derived{api: u.API, lib: lib, name: f.perAPIName(u.API), flow: f, from: l.served[f][lib]}
			if d.from != nil {
				c, ok := l.copies[d.name]
				if !ok || c.from != d.from {
					s := *d.from // Sequence is a plain value; its body is shared, never modified
					s.Name = d.name
					c = libCopy{from: d.from, seq: &s}
				}
				copies[d.name], d.seq = c, c.seq
			}
			out = append(out, d)
		}
	}
	l.copies = copies
	return out
}

// entries are the copies offered to sequences.Build after the files.
func entries(ds []derived) []sequences.Entry {
	out := make([]sequences.Entry, len(ds))
	for i, d := range ds {
		out[i] = sequences.Entry{Seq: d.seq}
		if d.from != nil {
			out[i].File = d.from.File
		}
	}
	return out
}
