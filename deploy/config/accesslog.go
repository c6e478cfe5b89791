package config

import (
	"path/filepath"
	"slices"
)

// AccessLog configures the access log: one line per request the traffic
// listeners answer (handlers/accesslog). Off by default. Lines are queued
// and written by their own goroutine; when the queue is full a line is
// dropped and counted (seqgate_access_log_dropped_total), never waited
// for. Fixed at start: a reload that changes it is logged and waits for a
// restart.
type AccessLog struct {
	Enabled bool   `yaml:"enabled"`
	Output  string `yaml:"output"` // file (relative to the config file) or "-" for stdout; default "-"
	Format  string `yaml:"format"` // json (default) or combined
	Buffer  int    `yaml:"buffer"` // lines waiting for the writer, default 8192
}

// Access log formats.
var accessLogFormats = []string{"json", "combined"}

func (c *Config) accessLogDefaults() {
	a := &c.AccessLog
	setStr(&a.Output, "-")
	setStr(&a.Format, "json")
	setInt(&a.Buffer, 8192)
}

func (c *Config) validateAccessLog(p *problems) {
	a := &c.AccessLog
	if !slices.Contains(accessLogFormats, a.Format) {
		p.add("access_log.format: %q is not json or combined", a.Format)
	}
	if a.Buffer <= 0 {
		p.add("access_log.buffer: must be positive")
	}
}

// Path is where the log goes: "-" (stdout), or the output resolved
// against dir (the config file's folder).
func (a AccessLog) Path(dir string) string {
	if a.Output == "-" || filepath.IsAbs(a.Output) {
		return a.Output
	}
	return filepath.Join(dir, a.Output)
}
