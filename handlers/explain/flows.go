package explain

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/sequences"
)

// Flow is one direction (in, out, fault) or, for a request the router
// could not place, the error sequence that answers it (error).
type Flow struct {
	Direction string `json:"direction"`
	Steps     []Step `json:"sequences"`
	Note      string `json:"note,omitempty"` // what happens when nothing runs
}

// Step is one sequence the flow looks up, in order.
type Step struct {
	Sequence string `json:"sequence"`
	Runs     bool   `json:"runs"`
	File     string `json:"file,omitempty"`
	// Library is "<flow>/<name>" when the sequence is an API's copy of a
	// custom sequence library entry (apis[].mediation).
	Library string `json:"library,omitempty"`
	// Why says why it does not run, or what is wrong while it still does
	// (a refused newer version).
	Why string `json:"why,omitempty"`
}

// flows are the in, out and fault flows of a matched API, from the plan
// the extension handler and HandleFault run (handlers.PlanFor).
func flows(set *sequences.Set, st *deploy.TenantStatus, src *sources, api *route.API, res *route.Resource) []Flow {
	out := make([]Flow, 0, 3)
	for _, fl := range []sequences.Flow{sequences.FlowIn, sequences.FlowOut, sequences.FlowFault} {
		f := planFlow(set, st, src, handlers.PlanFor(api, fl))
		if s, ok := resourceStep(set, res, fl); ok { // an api file's resource runs after the handlers
			f.Steps, f.Note = append(f.Steps, s), ""
		}
		out = append(out, f)
	}
	return out
}

// resourceStep is the in or out sequence of an API-M api file's resource.
func resourceStep(set *sequences.Set, res *route.Resource, fl sequences.Flow) (Step, bool) {
	if res == nil || res.Cfg.File == nil || fl == sequences.FlowFault {
		return Step{}, false
	}
	f := res.Cfg.File
	seq, key := f.In, f.InKey
	if fl == sequences.FlowOut {
		seq, key = f.Out, f.OutKey
	}
	switch {
	case seq != nil:
		return Step{Sequence: seq.Name, Runs: true, File: fmt.Sprintf("%s:%d", seq.File, seq.Line)}, true
	case key != "" && set.Get(key) != nil:
		return Step{Sequence: key, Runs: true, File: set.Get(key).File}, true
	case key != "":
		return Step{Sequence: key, Why: "no file defines " + key}, true
	}
	return Step{}, false
}

// planFlow is one flow's steps: each name of the plan, whether it runs
// and, when a FirstOnly plan skips a deployed one, which runs instead.
func planFlow(set *sequences.Set, st *deploy.TenantStatus, src *sources, p sequences.Plan) Flow {
	f := Flow{Direction: p.Flow.String()}
	first := ""
	for _, name := range p.Names {
		if name == "" {
			continue
		}
		s := step(set, st, src, name)
		if first != "" {
			s.Runs, s.Why = false, first+" runs instead"
		}
		if s.Runs && p.FirstOnly() {
			first = s.Sequence
		}
		f.Steps = append(f.Steps, s)
	}
	switch {
	case first != "":
	case !anyRuns(f.Steps) && p.FirstOnly():
		f.Note = "no fault sequence; the gateway answers with its JSON error"
	case !anyRuns(f.Steps):
		f.Note = "no sequence runs; the message passes unchanged"
	}
	return f
}

func anyRuns(steps []Step) bool {
	for _, s := range steps {
		if s.Runs {
			return true
		}
	}
	return false
}

// mismatchFlow is the error sequence a request the router could not place
// gets: _resource_mismatch_handler_ when the API matched, main when none did.
func mismatchFlow(set *sequences.Set, st *deploy.TenantStatus, src *sources, status int, apiMatched bool) Flow {
	name := handlers.RouteFaultSequence(apiMatched) // as handlers.RouteFault picks it
	f := Flow{Direction: "error", Steps: []Step{step(set, st, src, name)}}
	if status == route.StatusBadPath {
		f.Steps = nil
	}
	if len(f.Steps) == 0 || !f.Steps[0].Runs {
		f.Note = fmt.Sprintf("the gateway answers %d with its JSON error", status)
	}
	return f
}

// step finds name in the tenant's Set and says where it came from, or why
// it is not there, from the repository's status.
func step(set *sequences.Set, st *deploy.TenantStatus, src *sources, name string) Step {
	s := lookup(set, st, src, name)
	s.Why = src.relText(s.Why)
	return s
}

func lookup(set *sequences.Set, st *deploy.TenantStatus, src *sources, name string) Step {
	s := Step{Sequence: name}
	use := libraryUse(st, name)
	if seq := set.Get(name); seq != nil {
		s.Runs, s.File = true, src.rel(seq.File)
		if use != nil && use.State == deploy.StateActive {
			s.Library = use.Flow + "/" + use.Library
		}
		if fs := refusedFile(st, seq.File); fs != nil && fs.ServingLastGood {
			s.Why = "refused: " + fs.Error + " (last good version serves)"
		}
		return s
	}
	switch {
	case use != nil && use.State == deploy.StateMissing:
		s.Why = use.Error
	case use != nil:
		s.Why = "refused: " + use.Error
	}
	if s.Why != "" {
		return s
	}
	if fs := claimant(st, name); fs != nil {
		s.File, s.Why = src.rel(fs.Path), "refused: "+fs.Error
		return s
	}
	s.Why = "no file defines " + name
	return s
}

func libraryUse(st *deploy.TenantStatus, name string) *deploy.LibraryUseStatus {
	for i := range st.Library.Uses {
		if st.Library.Uses[i].Sequence == name {
			return &st.Library.Uses[i]
		}
	}
	return nil
}

// refusedFile is path's status when its current content is refused.
func refusedFile(st *deploy.TenantStatus, path string) *deploy.FileStatus {
	for _, list := range [][]deploy.FileStatus{st.Files, st.Library.Files} {
		for i := range list {
			if list[i].Path == path && list[i].State == deploy.StateRefused {
				return &list[i]
			}
		}
	}
	return nil
}

// claimant is a refused file of the sequences folder that serves nothing
// and looks meant to define name: named <name>.xml, or its text carries
// name="<name>". A file that does not compile has no name to go by, so
// this is the best the status allows.
func claimant(st *deploy.TenantStatus, name string) *deploy.FileStatus {
	attr := []byte(`name="` + name + `"`)
	for i := range st.Files {
		f := &st.Files[i]
		if f.State != deploy.StateRefused || len(f.Sequences) > 0 {
			continue
		}
		if strings.TrimSuffix(f.File, ".xml") == name {
			return f
		}
		if data, err := os.ReadFile(f.Path); err == nil && bytes.Contains(data, attr) {
			return f
		}
	}
	return nil
}

// tenantStatus is the repository's status of one tenant (empty when the
// repository does not know it).
func tenantStatus(repo *deploy.Repository, domain string) *deploy.TenantStatus {
	if t, ok := repo.TenantStatus(domain); ok {
		return &t
	}
	return &deploy.TenantStatus{Domain: domain}
}

func (s *sources) rel(path string) string { return rel(s.cfg, path) }

// relText shortens the paths in an error message as rel does.
func (s *sources) relText(text string) string {
	if s.cfg.Dir == "" || s.cfg.Repository == "" {
		return text
	}
	prefix := rel(s.cfg, s.cfg.Repository) + "/"
	if prefix == "./" {
		prefix = ""
	}
	return strings.ReplaceAll(text, s.cfg.Repository+string(filepath.Separator), prefix)
}
