package main

import (
	"fmt"
	"io"
	"time"
)

// report gathers the figures of one run.
type report struct {
	opts                 options
	bigReady, smallReady time.Duration
	bigReadyCPU          time.Duration // CPU time spent loading: robust to a busy machine
	bigRSS, smallRSS     int           // KiB when ready
	bigRSSAfter          int           // KiB after the load and the changes
	cpu                  []cpuRound
	changes              []time.Duration // sorted
}

// cpuRound is one interleaved pair of measurements: gateway CPU time per
// request with the measured tenant alone, then with every tenant deployed.
type cpuRound struct {
	small, big       time.Duration // per request
	smallRPS, bigRPS float64
}

// cpuPerRequest warms the gateway up, then sends the measured requests and
// divides the gateway's CPU time (utime+stime) by their number.
func (r *report) cpuPerRequest(g *gateway) (time.Duration, float64, error) {
	o := r.opts
	c := newClient(g.addr, requestPath(o.measured), apiKey(o.measured), o.conns)
	code, gen, err := c.once()
	if err != nil || code != 200 || gen == "" {
		return 0, 0, fmt.Errorf("pre-flight on %s: status %d, %s %q, err %v (want 200 and the header)", g.addr, code, genHeader, gen, err)
	}
	if res := c.run(o.warmup, o.conns); res.errors > 0 {
		return 0, 0, fmt.Errorf("warm-up on %s: %d of %d requests failed", g.addr, res.errors, res.n)
	}
	pid := g.cmd.Process.Pid
	t0, err := cpuTime(pid)
	if err != nil {
		return 0, 0, err
	}
	res := c.run(o.requests, o.conns)
	t1, err := cpuTime(pid)
	if err != nil {
		return 0, 0, err
	}
	if res.errors > 0 {
		return 0, 0, fmt.Errorf("%s: %d of %d requests failed", g.addr, res.errors, res.n)
	}
	return (t1 - t0) / time.Duration(res.n), float64(res.n) / res.elapsed.Seconds(), nil
}

// measureCPU alternates the order (small first, then big first) so that a
// machine getting busier or quieter during the run does not favour one side.
func (r *report) measureCPU(big, small *gateway) error {
	for i := range r.opts.rounds {
		var cr cpuRound
		var err error
		first, second := small, big
		a, b := &cr.small, &cr.big
		ar, br := &cr.smallRPS, &cr.bigRPS
		if i%2 == 1 {
			first, second, a, b, ar, br = big, small, b, a, br, ar
		}
		if *a, *ar, err = r.cpuPerRequest(first); err != nil {
			return err
		}
		if *b, *br, err = r.cpuPerRequest(second); err != nil {
			return err
		}
		logf("round %d: 1 tenant %s/req (%.0f req/s), %d tenants %s/req (%.0f req/s)",
			i+1, cr.small, cr.smallRPS, r.opts.tenants, cr.big, cr.bigRPS)
		r.cpu = append(r.cpu, cr)
	}
	return nil
}

func passMark(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func (r *report) print(w io.Writer) {
	o := r.opts
	n := o.tenants * seqsPerTenant
	mib := func(kib int) float64 { return float64(kib) / 1024 }
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	fmt.Fprintf(w, "| target | measured | pass |\n|---|---|---|\n")
	fmt.Fprintf(w, "| %d sequences in %d tenant folders: start → /readyz 200 < 5 s | %.2f s, %.2f s of CPU (1 tenant: %.2f s) | %s |\n",
		n, o.tenants, r.bigReady.Seconds(), r.bigReadyCPU.Seconds(), r.smallReady.Seconds(), passMark(r.bigReady < 5*time.Second))
	fmt.Fprintf(w, "| RSS when ready < 200 MB | %.1f MiB (1 tenant: %.1f MiB; after load and changes: %.1f MiB) | %s |\n",
		mib(r.bigRSS), mib(r.smallRSS), mib(r.bigRSSAfter), passMark(r.bigRSS < 200*1000*1000/1024))
	for i, c := range r.cpu {
		d := (us(c.big) - us(c.small)) / us(c.small) * 100
		fmt.Fprintf(w, "| CPU per request, %d deployed vs 1 tenant's %d, within 10%% (run %d, %d req × %d conns) | %.1f µs vs %.1f µs (%+.1f%%); %.0f vs %.0f req/s | %s |\n",
			n, seqsPerTenant, i+1, o.requests, o.conns, us(c.big), us(c.small), d, c.bigRPS, c.smallRPS, passMark(d <= 10))
	}
	if len(r.cpu) > 1 {
		var sb, ss time.Duration
		for _, c := range r.cpu {
			sb, ss = sb+c.big, ss+c.small
		}
		d := (us(sb) - us(ss)) / us(ss) * 100
		fmt.Fprintf(w, "| CPU per request, all %d runs together, within 10%% | %.1f µs vs %.1f µs (%+.1f%%) | %s |\n",
			len(r.cpu), us(sb)/float64(len(r.cpu)), us(ss)/float64(len(r.cpu)), d, passMark(d <= 10))
	}
	med, p90 := percentile(r.changes, 0.5), percentile(r.changes, 0.9)
	fmt.Fprintf(w, "| change-to-serve, median of %d rewrites < 100 ms | median %.1f ms, p90 %.1f ms, max %.1f ms | %s |\n",
		len(r.changes), ms(med), ms(p90), ms(percentile(r.changes, 1)), passMark(med < 100*time.Millisecond))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
