// Command scale measures seqgate's deployment-scale targets of issue 7 on
// the real binary: a generated repository of 1,000 tenant folders × 10
// sequences loads in < 5 s with RSS < 200 MB; the CPU cost of a request
// with all of it deployed is within 10% of the cost with the measured
// tenant alone; a rewritten sequence file serves within 100 ms (median of
// 100 changes). Everything listens on 127.0.0.1; generated files live in a
// temporary folder, removed at the end unless -keep.
//
//	go run ./tests/bench/scale [-bin ./seqgate] [-tenants 1000] [-requests 30000] [-conns 32]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

type options struct {
	bin, gwCPU                string
	tenants, measured         int
	requests, conns, warmup   int
	rounds, changes, portBase int
	logLevel                  string
	events, keep              bool
	readyTimeout, changeLimit time.Duration
	pollEvery                 time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "", "seqgate binary (empty: go build ./cmd/seqgate into the temp folder)")
	flag.StringVar(&o.gwCPU, "gw-cpu", "", "pin the gateways to these CPUs with taskset (e.g. 0; run the tool itself under taskset -c 1)")
	flag.IntVar(&o.tenants, "tenants", 1000, "tenant folders generated, 10 sequences each")
	flag.IntVar(&o.measured, "measured", 0, "tenant whose API is measured (0: tenants/2)")
	flag.IntVar(&o.requests, "requests", 100000, "requests per CPU measurement")
	flag.IntVar(&o.conns, "conns", 32, "client connections (closed loop)")
	flag.IntVar(&o.warmup, "warmup", 3000, "unmeasured requests before each measurement")
	flag.IntVar(&o.rounds, "rounds", 2, "CPU measurements per deployment size (interleaved)")
	flag.IntVar(&o.changes, "changes", 100, "sequence rewrites in the change-to-serve test")
	flag.IntVar(&o.portBase, "port-base", 19300, "backend on +0; large gateway +10/+11, small +12/+13")
	flag.StringVar(&o.logLevel, "log-level", "info", "gateway log.level (info keeps the log mediators on)")
	flag.BoolVar(&o.events, "events", true, "gateway usage.events (one JSON line per request)")
	flag.BoolVar(&o.keep, "keep", false, "keep the temp folder (config, repository, gateway logs)")
	flag.DurationVar(&o.readyTimeout, "ready-timeout", 60*time.Second, "longest wait for /readyz")
	flag.DurationVar(&o.changeLimit, "change-limit", 5*time.Second, "longest wait for one change to serve")
	flag.DurationVar(&o.pollEvery, "poll", time.Millisecond, "pause between polling requests")
	flag.Parse()
	if o.measured <= 0 {
		o.measured = max(1, o.tenants/2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "# "+format+"\n", args...) }

func run(o options) (err error) {
	dir, err := os.MkdirTemp("", "seqgate-scale-")
	if err != nil {
		return err
	}
	defer func() {
		if o.keep || err != nil {
			logf("temp folder kept: %s", dir)
		} else {
			_ = os.RemoveAll(dir)
		}
	}()
	if o.bin == "" {
		o.bin = filepath.Join(dir, "seqgate")
		logf("building %s", o.bin)
		if out, err := exec.Command("go", "build", "-o", o.bin, "./cmd/seqgate").CombinedOutput(); err != nil {
			return fmt.Errorf("go build (run from the module root): %w\n%s", err, out)
		}
	}
	port := func(d int) string { return fmt.Sprintf("127.0.0.1:%d", o.portBase+d) }
	stopBackend, err := startBackend(port(0))
	if err != nil {
		return err
	}
	defer stopBackend()

	all := make([]int, o.tenants)
	for i := range all {
		all[i] = i + 1
	}
	bigRoot, smallRoot := filepath.Join(dir, "large"), filepath.Join(dir, "small")
	start := time.Now()
	bigCfg, err := generate(bigRoot, all, port(10), port(11), "http://"+port(0), o.logLevel, o.events)
	if err != nil {
		return err
	}
	smallCfg, err := generate(smallRoot, []int{o.measured}, port(12), port(13), "http://"+port(0), o.logLevel, o.events)
	if err != nil {
		return err
	}
	logf("generated %d tenants × %d sequences in %s (%s)", o.tenants, seqsPerTenant, time.Since(start).Round(time.Millisecond), dir)

	r := &report{opts: o}
	big, err := startGateway(o.bin, o.gwCPU, bigCfg, port(10), port(11), filepath.Join(dir, "large.log"), o.readyTimeout)
	if err != nil {
		return err
	}
	defer big.stop()
	r.bigReady, r.bigReadyCPU = big.ready, big.readyCPU
	if r.bigRSS, err = rssKiB(big.cmd.Process.Pid); err != nil {
		return err
	}
	small, err := startGateway(o.bin, o.gwCPU, smallCfg, port(12), port(13), filepath.Join(dir, "small.log"), o.readyTimeout)
	if err != nil {
		return err
	}
	defer small.stop()
	r.smallReady = small.ready
	if r.smallRSS, err = rssKiB(small.cmd.Process.Pid); err != nil {
		return err
	}
	logf("large: ready in %s, RSS %d KiB; small: ready in %s, RSS %d KiB", r.bigReady, r.bigRSS, r.smallReady, r.smallRSS)

	if err := r.measureCPU(big, small); err != nil {
		return err
	}
	c := newClient(big.addr, requestPath(o.measured), apiKey(o.measured), 1)
	if r.changes, err = changeToServe(c, bigRoot, o.measured, o.changes, o.pollEvery, o.changeLimit); err != nil {
		return err
	}
	if r.bigRSSAfter, err = rssKiB(big.cmd.Process.Pid); err != nil {
		return err
	}
	r.print(os.Stdout)
	return nil
}
