package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTick is USER_HZ, the unit of utime/stime in /proc/<pid>/stat: 100 on
// every Linux architecture Go supports (getconf CLK_TCK).
const clockTick = 100

// gateway is one running seqgate process.
type gateway struct {
	cmd      *exec.Cmd
	started  time.Time
	addr     string // traffic listener host:port
	admin    string // admin listener host:port
	logPath  string
	ready    time.Duration // process start to the first /readyz 200
	readyCPU time.Duration // the gateway's CPU time (utime+stime) by then
}

// startGateway runs bin with the config (pinned to cpus with taskset unless
// empty; taskset execs, so the pid stays the gateway's), its output in
// logPath, and waits (at most timeout) for /readyz to answer 200.
func startGateway(bin, cpus, cfg, addr, admin, logPath string, timeout time.Duration) (*gateway, error) {
	out, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	g := &gateway{addr: addr, admin: admin, logPath: logPath}
	g.cmd = exec.Command(bin, "run", "-config", cfg)
	if cpus != "" {
		g.cmd = exec.Command("taskset", "-c", cpus, bin, "run", "-config", cfg)
	}
	g.cmd.Stdout, g.cmd.Stderr = out, out
	g.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	g.started = time.Now()
	if err := g.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- g.cmd.Wait() }()
	client := &http.Client{Timeout: time.Second}
	deadline := g.started.Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return nil, fmt.Errorf("gateway exited before ready (%v); see %s", err, logPath)
		default:
		}
		if resp, err := client.Get("http://" + admin + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				g.ready = time.Since(g.started)
				g.readyCPU, _ = cpuTime(g.cmd.Process.Pid)
				go func() { <-exited }() // reap on stop
				return g, nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	g.stop()
	return nil, fmt.Errorf("gateway not ready within %s; see %s", timeout, logPath)
}

// stop ends the gateway's process group: SIGTERM, then SIGKILL after 5 s.
func (g *gateway) stop() {
	if g == nil || g.cmd.Process == nil {
		return
	}
	pid := g.cmd.Process.Pid
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	for range 50 {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}

// rssKiB is VmRSS from /proc/<pid>/status.
func rssKiB(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
	return 0, errors.New("no VmRSS line")
}

// cpuTime is utime+stime of pid (all its threads) from /proc/<pid>/stat.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after "pid (comm) ": comm may hold spaces or parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("malformed stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short stat")
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(ut+st) * time.Second / clockTick, nil
}
