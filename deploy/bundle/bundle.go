// Package bundle installs extension bundles: a zip holding a manifest.json
// and sequence or endpoint files, in the spirit of DataPower's manifest
// model and API7's custom-plugin catalog. A bundle is read and validated
// entirely in memory before anything is written (Read); the Manager then
// keeps it under <repository>/bundles/installed/<name>/ and writes its
// immediate entries into the tenants' watched folders, where the deploy
// package picks them up like any operator file. The file system stays the
// source of truth: removing a bundle deletes exactly the files it wrote.
package bundle

import (
	"errors"

	"github.com/seqgate/seqgate/deploy/config"
)

// Manifest is manifest.json at the root of a bundle's zip.
type Manifest struct {
	Name        string   `json:"name"`
	Version     string   `json:"version"`
	Description string   `json:"description,omitempty"`
	Author      string   `json:"author,omitempty"`
	Groups      []string `json:"groups"` // empty: every gateway group
	Entries     []Entry  `json:"entries"`
}

// Entry is one file of a bundle and how it is deployed.
type Entry struct {
	File   string `json:"file"`   // sequences/<x>.xml or endpoints/<y>.xml
	Tenant string `json:"tenant"` // tenant domain; default carbon.super
	Deploy string `json:"deploy"` // immediate (default) or deferred
}

// Deploy modes of an entry.
const (
	DeployImmediate = "immediate" // written into the watched folder on install
	DeployDeferred  = "deferred"  // staged until an explicit activate, per node
)

// Entry states on one node, as listed by the admin API.
const (
	StateApplied     = "applied"      // immediate entry, written
	StateStaged      = "staged"       // deferred entry, not activated on this node
	StateActive      = "active"       // deferred entry, activated on this node
	StateNotTargeted = "not targeted" // the bundle targets other groups
)

// Limits bound what a bundle may be; zero fields take DefaultLimits.
type Limits struct {
	MaxZipBytes   int64 // the zip itself (compressed)
	MaxTotalBytes int64 // sum of uncompressed entries
	MaxRatio      int64 // uncompressed/compressed of one entry over 64 KiB
	MaxEntries    int   // files in the zip
}

// DefaultLimits are generous for XML and far below what hurts a gateway.
var DefaultLimits = Limits{MaxZipBytes: 10 << 20, MaxTotalBytes: 50 << 20, MaxRatio: 100, MaxEntries: 1000}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxZipBytes > 0 {
		d.MaxZipBytes = l.MaxZipBytes
	}
	if l.MaxTotalBytes > 0 {
		d.MaxTotalBytes = l.MaxTotalBytes
	}
	if l.MaxRatio > 0 {
		d.MaxRatio = l.MaxRatio
	}
	if l.MaxEntries > 0 {
		d.MaxEntries = l.MaxEntries
	}
	return d
}

// Errors a caller tells apart (the admin API maps them to status codes).
// Every error wraps one of them and names the bundle item at fault.
var (
	ErrInvalid     = errors.New("invalid bundle")                           // 400
	ErrTooLarge    = errors.New("bundle too large")                         // 413
	ErrExists      = errors.New("bundle already installed")                 // 409
	ErrConflict    = errors.New("bundle conflict")                          // 409
	ErrNotFound    = errors.New("no such bundle")                           // 404
	ErrNotTargeted = errors.New("bundle not targeted at this node's group") // 409
)

// defaultTenant is the tenant of an entry that names none.
const defaultTenant = config.SuperTenantDomain
