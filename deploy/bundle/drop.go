package bundle

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"
)

// Start begins polling the drop folder and, with Redis, following the
// cluster. The drop folder is polled rather than watched: a zip being
// copied in shows up long before it is complete, and polling lets a file
// count as dropped only once its size and mtime held still for one
// interval; one ReadDir a second costs nothing, and the folder may be
// created at any time.
func (m *Manager) Start() {
	m.done.Add(1)
	go func() {
		defer m.done.Done()
		m.poll()
	}()
	if m.opts.Redis != nil {
		m.done.Add(1)
		go func() {
			defer m.done.Done()
			m.follow()
		}()
	}
}

// Close stops the poller and the cluster follower and waits for them.
func (m *Manager) Close() {
	select {
	case <-m.stop:
	default:
		close(m.stop)
	}
	m.done.Wait()
}

// seen is a dropped file's size and mtime at the previous poll.
type seen struct {
	size  int64
	mtime time.Time
}

func (m *Manager) poll() {
	t := time.NewTicker(m.opts.Poll)
	defer t.Stop()
	last := map[string]seen{}
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			last = m.scanDrops(last)
		}
	}
}

// scanDrops processes every *.zip that was already there, unchanged, at
// the previous poll, and returns what it saw this time.
func (m *Manager) scanDrops(last map[string]seen) map[string]seen {
	des, err := os.ReadDir(m.dir)
	if err != nil {
		return map[string]seen{}
	}
	now := map[string]seen{}
	for _, de := range des {
		name := de.Name()
		if de.IsDir() || !strings.HasSuffix(name, ".zip") || strings.HasPrefix(name, ".") {
			continue
		}
		fi, err := de.Info()
		if err != nil {
			continue
		}
		s := seen{fi.Size(), fi.ModTime()}
		if prev, ok := last[name]; ok && prev == s {
			m.processDrop(filepath.Join(m.dir, name))
			continue
		}
		now[name] = s
	}
	return now
}

// processDrop installs one dropped zip like an upload: on success it is
// deleted (installed/ holds the result); on failure it is renamed to
// <file>.rejected with the reason in <file>.error next to it.
func (m *Manager) processDrop(path string) {
	data, err := readLimited(path, m.opts.Limits.MaxZipBytes)
	if errors.Is(err, os.ErrNotExist) {
		return // another node sharing the folder took it
	}
	if err == nil {
		_, err = m.Install(data, "drop")
	}
	if err == nil || m.sameInstalled(data, err) {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			m.log.Error("dropped bundle not deleted", zap.String("file", path), zap.Error(err))
		}
		return
	}
	m.log.Error("dropped bundle refused", zap.String("file", path), zap.Error(err))
	_ = os.WriteFile(path+".error", []byte(err.Error()+"\n"), 0o644)
	if err := os.Rename(path, path+".rejected"); err != nil && !errors.Is(err, os.ErrNotExist) {
		m.log.Error("refused bundle not renamed", zap.String("file", path), zap.Error(err))
	}
}

// sameInstalled: these very bytes are installed, by this node earlier or
// by a node sharing the folder that took the same drop at the same time
// (its half-done install then made ours fail in some other way).
func (m *Manager) sameInstalled(data []byte, err error) bool {
	if errors.Is(err, ErrTooLarge) {
		return false
	}
	b, rerr := Read(data, m.opts.Limits)
	if rerr != nil {
		return false
	}
	in, gerr := m.Get(b.Manifest.Name)
	return gerr == nil && in.SHA256 == b.SHA256
}

// readLimited reads at most limit+1 bytes of path: one more than allowed
// is enough for Read to refuse it as too large.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit+1))
}
