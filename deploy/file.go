package deploy

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/seqgate/seqgate/mediation/endpoint"
	"github.com/seqgate/seqgate/sequences"
)

// racyWindow: a file whose mtime is this close to the moment it was read
// may change again within the same mtime tick (coarse file system clocks),
// so size+mtime equality alone does not prove it unchanged; it is re-read
// and its hash compared instead.
const racyWindow = 2 * time.Second

// kind is what a folder deploys: sequences or endpoints. T is the compiled
// form of one file.
type kind[T any] struct {
	folder  string // "sequences", "endpoints" (logs)
	isFile  func(name string) bool
	maxSize int64
	compile func(path string, data []byte) (*T, error)
	// optional folders (the custom sequence library) log their absence at
	// debug: most tenants never have one.
	optional bool
}

var (
	sequenceKind = kind[sequences.Sequence]{folder: "sequences", isFile: isSequenceOrPolicy, maxSize: sequences.MaxFileSize, compile: sequences.Compile}
	endpointKind = kind[endpoint.Named]{folder: "endpoints", isFile: endpoint.IsEndpointFile, maxSize: endpoint.MaxFileSize, compile: endpoint.CompileFile}
)

// file is one deployed file of a tenant and its compiled versions.
type file[T any] struct {
	name, path string
	order      uint64 // deploy order: when the file was first seen

	read   bool // size, mtime and hash describe the last successful read
	size   int64
	mtime  time.Time
	readAt time.Time
	hash   [sha256.Size]byte

	latest     *T    // compiled from the current content; nil if it failed
	compileErr error // why the current content failed
	good       *T    // the version served at the last reload (last good)
	stale      bool  // recompile even if unchanged: a resource it depends on changed
	lastErr    string
}

func newFile[T any](dir, name string, order uint64) *file[T] {
	return &file[T]{name: name, path: filepath.Join(dir, name), order: order}
}

// refresh re-reads and recompiles the file if its content changed. Stat
// follows symlinks, so a Kubernetes ..data swap shows up as a new mtime.
func (f *file[T]) refresh(k *kind[T], now time.Time) {
	fi, err := os.Stat(f.path)
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s: not a regular file", f.path)
	}
	if err == nil && fi.Size() > k.maxSize {
		err = fmt.Errorf("%s: file is %d bytes, larger than the %d-byte limit", f.path, fi.Size(), k.maxSize)
	}
	if err != nil {
		f.fail(err)
		return
	}
	if !f.stale && f.read && fi.Size() == f.size && fi.ModTime().Equal(f.mtime) && f.readAt.Sub(f.mtime) > racyWindow {
		return
	}
	data, err := os.ReadFile(f.path)
	if err != nil {
		f.fail(err)
		return
	}
	sum := sha256.Sum256(data)
	unchanged := f.read && sum == f.hash
	f.read, f.size, f.mtime, f.readAt, f.hash = true, fi.Size(), fi.ModTime(), now, sum
	if unchanged && !f.stale {
		return
	}
	f.stale = false
	f.latest, f.compileErr = k.compile(f.path, data)
}

// fail records an unreadable file; its last good version keeps serving.
func (f *file[T]) fail(err error) {
	f.read, f.latest, f.compileErr = false, nil, err
}

// offer is what the file offers the linker: the newest version if it
// compiled, else the last good one with the reason the newest was refused.
func (f *file[T]) offer() (*T, error) {
	if f.latest != nil {
		return f.latest, nil
	}
	return f.good, f.compileErr
}

// isSequenceOrPolicy is what a tenant's sequences folder deploys: sequence
// files and API-M 4.x operation policy templates (.j2, see sequences/j2.go).
func isSequenceOrPolicy(name string) bool {
	return sequences.IsSequenceFile(name) || sequences.IsPolicyTemplate(name)
}
