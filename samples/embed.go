// Package samples holds the runnable sample: a config and a WSO2-layout
// repository with global, per-API and per-tenant sequences. It is embedded
// so that `go run ./cmd/seqgate` works on a fresh machine with nothing else;
// the binary extracts it to a work folder, where edits hot-deploy.
package samples

import "embed"

// FS holds config.yaml and repository/ (the WSO2 home: the sequences live
// under repository/repository/deployment/server/... and
// repository/repository/tenants/<id>/...).
//
//go:embed config.yaml repository
var FS embed.FS
