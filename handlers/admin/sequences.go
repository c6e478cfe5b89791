package admin

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/deploy/atomicfile"
	"github.com/seqgate/seqgate/sequences"
)

// MaxUploadBytes bounds a sequence upload (413 above).
const MaxUploadBytes = 1 << 20

// validName is a sequence name that is also a safe file name: no path
// separators, no leading dot (hidden files are not deployed), no "..".
var validName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,199}$`)

// sequenceAPI writes and removes sequence files in a tenant's watched
// folder: the file system stays the one source of truth, and the
// repository deploys the change as it deploys an operator's edit.
type sequenceAPI struct{ repo *deploy.Repository }

// TenantSummary is one tenant in GET /admin/tenants.
type TenantSummary struct {
	ID           int            `json:"id"`
	Domain       string         `json:"domain"`
	SequencesDir string         `json:"sequences_dir"`
	Loaded       bool           `json:"loaded"`
	Counts       map[string]int `json:"counts"` // files by state (active, refused)
	Error        string         `json:"error,omitempty"`
}

func (a sequenceAPI) tenants(w http.ResponseWriter, _ *http.Request) {
	out := []TenantSummary{}
	for _, t := range a.repo.Status() {
		s := TenantSummary{ID: t.ID, Domain: t.Domain, SequencesDir: t.Dir, Loaded: t.Loaded,
			Counts: map[string]int{deploy.StateActive: 0, deploy.StateRefused: 0}, Error: t.Error}
		for _, f := range t.Files {
			s.Counts[f.State]++
		}
		out = append(out, s)
	}
	writeJSON(w, map[string]any{"tenants": out})
}

func (a sequenceAPI) list(w http.ResponseWriter, r *http.Request) {
	st := a.tenant(w, r)
	if st == nil {
		return
	}
	writeJSON(w, map[string]any{"tenant": st.Domain, "dir": st.Dir, "files": st.Files, "library_uses": st.Library.Uses})
}

// put validates the body (compiles with deploy's compiler, the name must
// be {name}), writes it atomically over the file that defines {name} (or
// <name>.xml) and reloads the tenant, so the answer tells what now serves.
func (a sequenceAPI) put(w http.ResponseWriter, r *http.Request) {
	st, name, data, ok := a.upload(w, r)
	if !ok {
		return
	}
	path, exists, other := a.fileOf(st, name)
	if other != "" {
		writeError(w, http.StatusConflict, fmt.Sprintf("%s defines sequence %q, not %q: nothing written (PUT that name, or DELETE it first)", filepath.Base(path), other, name))
		return
	}
	if _, err := a.compile(st, name, path, data); err != nil {
		WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": err.Error(), "written": false})
		return
	}
	if old, rerr := os.ReadFile(path); rerr == nil && bytes.Equal(old, data) {
		a.answer(w, http.StatusOK, st.Domain, name, path, "unchanged")
		return
	}
	if err := atomicfile.Write(path, data, 0o644); err != nil {
		writeError(w, http.StatusInternalServerError, "writing "+filepath.Base(path)+": "+strings.ReplaceAll(err.Error(), path, filepath.Base(path)))
		return
	}
	a.repo.Reload()
	status, what := http.StatusCreated, "created"
	if exists {
		status, what = http.StatusOK, "replaced"
	}
	a.answer(w, status, st.Domain, name, path, what)
}

// get answers the XML of the file that defines {name} (the file on disk,
// which is what a PUT writes and what deploys), with the file's name and
// state in headers; 404 when no file defines it.
func (a sequenceAPI) get(w http.ResponseWriter, r *http.Request) {
	st, name := a.target(w, r)
	if st == nil {
		return
	}
	path, exists, other := a.fileOf(st, name)
	var data []byte
	var err error
	if exists && other == "" {
		data, err = os.ReadFile(path)
	}
	if !exists || other != "" || err != nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no file of tenant %s defines sequence %s", st.Domain, name))
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Seqgate-File", filepath.Base(path))
	for _, f := range st.Files {
		if f.Path == path {
			w.Header().Set("X-Seqgate-State", f.State)
		}
	}
	_, _ = w.Write(data)
}

func (a sequenceAPI) remove(w http.ResponseWriter, r *http.Request) {
	st, name := a.target(w, r)
	if st == nil {
		return
	}
	path, exists, other := a.fileOf(st, name)
	if !exists || other != "" {
		msg := fmt.Sprintf("no file of tenant %s defines sequence %s", st.Domain, name)
		if other != "" {
			msg += fmt.Sprintf(" (%s defines %s: nothing deleted)", filepath.Base(path), other)
		}
		writeError(w, http.StatusNotFound, msg)
		return
	}
	if err := os.Remove(path); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	_ = atomicfile.SyncDir(filepath.Dir(path)) // best effort: the file is gone either way
	a.repo.Reload()
	writeJSON(w, map[string]any{"tenant": st.Domain, "name": name, "file": path, "deleted": true,
		"serving": a.repo.Set(st.Domain).Get(name) != nil})
}

// readUpload reads a sequence upload, answering 413 or 400 itself.
func readUpload(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxUploadBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", MaxUploadBytes))
			return nil, false
		}
		writeError(w, http.StatusBadRequest, "reading body: "+err.Error())
		return nil, false
	}
	return data, true
}

// compile compiles data as PUT would deploy it at path: with the tenant's
// local entries and registry, and the root element must name name.
// Errors name the file as the operator knows it (its name in the tenant's
// folder, as /admin/sequences lists it), never the server's path: the
// client uploaded a body, not a file on this machine.
func (a sequenceAPI) compile(st *deploy.TenantStatus, name, path string, data []byte) (*sequences.Sequence, error) {
	shown := filepath.Base(path)
	seq, err := sequences.CompileWith(path, data, a.repo.Resources(st.Domain))
	if err == nil && seq.Name != name {
		err = fmt.Errorf("%s:%d: <sequence>: name %q does not match the URL's %q", shown, seq.Line, seq.Name, name)
	}
	if err != nil {
		return seq, errors.New(strings.ReplaceAll(err.Error(), path, shown))
	}
	return seq, nil
}

// upload is the tenant, the sequence name and the body of a PUT or a
// validate; ok is false when an answer (404, 413, 415...) was written.
func (a sequenceAPI) upload(w http.ResponseWriter, r *http.Request) (st *deploy.TenantStatus, name string, data []byte, ok bool) {
	if st, name = a.target(w, r); st == nil {
		return nil, "", nil, false
	}
	data, ok = readUpload(w, r)
	return st, name, data, ok
}

// validate compiles the body exactly as PUT would and writes nothing: the
// console's editor checks a draft before saving. 200 {"valid": true,
// "warnings"} or 422 {"valid": false, "error", "line"} (line 0 when the
// compiler named none).
func (a sequenceAPI) validate(w http.ResponseWriter, r *http.Request) {
	st, name, data, ok := a.upload(w, r)
	if !ok {
		return
	}
	path, _, _ := a.fileOf(st, name)
	seq, err := a.compile(st, name, path, data)
	if err != nil {
		shown := filepath.Base(path)
		WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"valid": false, "error": err.Error(), "line": errorLine(shown, err.Error()), "file": shown})
		return
	}
	warnings := seq.Warnings
	if warnings == nil {
		warnings = []string{}
	}
	writeJSON(w, map[string]any{"valid": true, "name": seq.Name, "file": filepath.Base(path), "warnings": warnings})
}

// errorLine is the line a compile error names (path:line: ...), 0 if none.
func errorLine(path, msg string) int {
	rest, ok := strings.CutPrefix(msg, path+":")
	if !ok {
		return 0
	}
	n := 0
	for _, c := range rest {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
		if n > 1<<24 {
			return 0
		}
	}
	return n
}

// source answers the XML of the file that defines {name} (the one PUT
// and DELETE act on) with its state: the console's editor opens it. The
// file on disk is the running version unless the state is refused (then
// serving_last_good says whether an older version still serves).
func (a sequenceAPI) source(w http.ResponseWriter, r *http.Request) {
	st, name := a.target(w, r)
	if st == nil {
		return
	}
	path, exists, other := a.fileOf(st, name)
	if !exists || other != "" {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no file of tenant %s defines sequence %s", st.Domain, name))
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		writeError(w, http.StatusNotFound, err.Error())
		return
	}
	out := map[string]any{"tenant": st.Domain, "name": name, "file": path, "xml": string(data), "state": "", "serving_last_good": false}
	for _, f := range st.Files {
		if f.Path == path {
			out["state"], out["error"], out["serving_last_good"] = f.State, f.Error, f.ServingLastGood
		}
	}
	writeJSON(w, out)
}

// answer reports the file's state after the reload.
func (a sequenceAPI) answer(w http.ResponseWriter, status int, domain, name, path, what string) {
	out := map[string]any{"tenant": domain, "name": name, "file": path, "result": what, "state": "", "serving": false}
	if t, ok := a.repo.TenantStatus(domain); ok {
		for _, f := range t.Files {
			if f.Path == path { // error and warnings only when there are some, as in /admin/sequences
				out["state"] = f.State
				if f.Error != "" {
					out["error"] = f.Error
				}
				if len(f.Warnings) > 0 {
					out["warnings"] = f.Warnings
				}
			}
		}
	}
	if seq := a.repo.Set(domain).Get(name); seq != nil && seq.File == path {
		out["serving"] = out["state"] == deploy.StateActive
	}
	WriteJSON(w, status, out)
}

// tenant is the status of {tenant}; it answers 404 itself when unknown.
func (a sequenceAPI) tenant(w http.ResponseWriter, r *http.Request) *deploy.TenantStatus {
	domain := r.PathValue("tenant")
	if t, ok := a.repo.TenantStatus(domain); ok {
		return &t
	}
	writeError(w, http.StatusNotFound, fmt.Sprintf("unknown tenant %q", domain))
	return nil
}

// target is {tenant} and a {name} that is safe as a file name.
func (a sequenceAPI) target(w http.ResponseWriter, r *http.Request) (*deploy.TenantStatus, string) {
	name := r.PathValue("name")
	if !validName.MatchString(name) || strings.Contains(name, "..") {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("sequence name %q: letters, digits and _ . : @ - only, not starting with a dot, no ..", name))
		return nil, ""
	}
	st := a.tenant(w, r)
	return st, name
}

// fileOf is the file of the tenant's sequences folder that defines name:
// the name is the contract, never the file name. It is the file serving
// name, else a file whose root element names it (a refused one: a PUT
// fixes it in place), else <name>.xml, which exists says is on disk. When
// <name>.xml is on disk but defines another sequence, other is that name:
// replacing or deleting it would take that sequence away, so put answers
// 409 and remove 404. A <name>.xml that names no sequence (not XML) is
// taken as name's: a PUT fixes it, a DELETE removes it.
func (a sequenceAPI) fileOf(st *deploy.TenantStatus, name string) (path string, exists bool, other string) {
	for _, f := range st.Files {
		if slices.Contains(f.Sequences, name) {
			return f.Path, true, ""
		}
	}
	if seq := a.repo.Set(st.Domain).Get(name); seq != nil && filepath.Dir(seq.File) == st.Dir {
		return seq.File, true, ""
	}
	for _, f := range st.Files {
		if len(f.Sequences) == 0 && definedName(f.Path) == name {
			return f.Path, true, ""
		}
	}
	path = filepath.Join(st.Dir, name+".xml")
	if _, err := os.Stat(path); err != nil {
		return path, false, ""
	}
	if n := definedName(path); n != "" && n != name {
		return path, true, n
	}
	return path, true, ""
}

// definedName is the name attribute of the root element of the file at
// path, "" when it cannot be read (missing, not XML): such a file defines
// nothing, and a PUT may replace it. Only the start of the file is read.
func definedName(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	dec := xml.NewDecoder(io.LimitReader(f, MaxUploadBytes))
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		if el, ok := tok.(xml.StartElement); ok {
			for _, at := range el.Attr {
				if at.Name.Local == "name" && at.Name.Space == "" {
					return at.Value
				}
			}
			return ""
		}
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	WriteJSON(w, status, map[string]string{"error": msg})
}
