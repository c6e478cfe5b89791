package config

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// MinAdminTokenLength is the shortest admin token accepted: a token guards
// reloads and deployment details, so it must not be guessable.
const MinAdminTokenLength = 16

// AdminLoopback reports whether the admin address binds only the loopback
// interface (127.0.0.0/8, ::1 or localhost). An empty host (":9765") binds
// every interface and is not loopback.
func (l Listen) AdminLoopback() bool {
	host, _, err := net.SplitHostPort(l.Admin)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validateAdmin refuses an admin listener reachable from other machines
// without a token: it serves pprof, metrics and reloads.
func (l Listen) validateAdmin(p *problems) {
	if l.AdminToken != "" && l.AdminTokenFile != "" {
		p.add("listen.admin_token, listen.admin_token_file: set one, not both")
	}
	if l.AdminToken != "" && len(l.AdminToken) < MinAdminTokenLength {
		p.add("listen.admin_token: shorter than %d characters", MinAdminTokenLength)
	}
	if !l.AdminEnabled() || l.AdminLoopback() || l.AdminToken != "" || l.AdminTokenFile != "" {
		return
	}
	if _, _, err := net.SplitHostPort(l.Admin); err != nil {
		p.add("listen.admin: %q is not host:port", l.Admin)
		return
	}
	p.add("listen.admin: %q is not a loopback address: set listen.admin_token or listen.admin_token_file, or bind 127.0.0.1", l.Admin)
}

// readTokenFile loads AdminTokenFile (relative to the config's folder) into
// AdminToken, trimmed of surrounding white space.
func (l *Listen) readTokenFile(dir string) error {
	if l.AdminTokenFile == "" {
		return nil
	}
	path := l.AdminTokenFile
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("listen.admin_token_file: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) < MinAdminTokenLength {
		return fmt.Errorf("listen.admin_token_file: %s: token shorter than %d characters", path, MinAdminTokenLength)
	}
	l.AdminToken = tok
	return nil
}
