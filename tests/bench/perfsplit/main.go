// Command perfsplit reads `perf script -F comm,ip,sym` output (call-graph
// samples taken with `perf record -e cpu-clock -g`) and says where each
// request's CPU time went, in microseconds per request: for the gateway's
// process, kernel time by what entered the kernel (a write to the client,
// a write to the backend, reads, epoll, sleeps...) and user time by the
// first seqgate function on the stack; for every other process on the CPU
// (the backend), one line each.
//
// pprof cannot show the kernel half, and on the bench machine the kernel
// is most of the cost: a write to the client's socket also runs the
// client's TCP receive path and wakes it on the other CPU. tests/bench/
// profile.sh records the samples and runs this.
//
// Usage: perf script -F comm,ip,sym -i perf.data | perfsplit -comm seqgate -requests N -hz 4000
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

func main() {
	comm := flag.String("comm", "seqgate", "the gateway's process name (as perf shows it, 15 characters at most)")
	requests := flag.Float64("requests", 0, "requests served while perf recorded (wrk's count)")
	hz := flag.Float64("hz", 4000, "perf's sampling frequency")
	top := flag.Int("top", 25, "user-space rows to print")
	flag.Parse()
	if *requests <= 0 {
		fmt.Fprintln(os.Stderr, "perfsplit: -requests is required")
		os.Exit(2)
	}
	s, err := read(os.Stdin, *comm)
	if err != nil {
		fmt.Fprintln(os.Stderr, "perfsplit:", err)
		os.Exit(1)
	}
	s.print(os.Stdout, 1e6 / *hz / *requests, *top)
}

// split is the tally: samples per bucket.
type split struct {
	kernel, user, other map[string]int
	ours, total         int
}

// read tallies the samples of comm and of every other process.
func read(r io.Reader, comm string) (*split, error) {
	s := &split{kernel: map[string]int{}, user: map[string]int{}, other: map[string]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var head string
	var frames []string
	flush := func() {
		if head != "" {
			s.add(comm, head, frames)
		}
		head, frames = "", frames[:0]
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case line[0] != ' ' && line[0] != '\t':
			flush()
			head = line
		default:
			frames = append(frames, strings.TrimSpace(line))
		}
	}
	flush()
	return s, sc.Err()
}

// add files one sample. A frame line is "ADDRESS SYMBOL"; kernel
// addresses start with ffffffff.
func (s *split) add(comm, head string, frames []string) {
	s.total++
	name := strings.Fields(head)[0]
	if name != comm {
		s.other[name]++
		return
	}
	s.ours++
	if len(frames) > 0 && strings.HasPrefix(frames[0], "ffffffff") {
		s.kernel[kernelBucket(frames)]++
		return
	}
	s.user[userBucket(frames)]++
}

// kernelBucket names what brought the process into the kernel. Writes are
// told apart by the Go caller: fasthttp's server writes to the client, its
// client (RoundTrip) to the backend.
func kernelBucket(frames []string) string {
	entry := ""
	for _, f := range frames {
		sym := symbol(f)
		switch {
		case strings.HasPrefix(sym, "ksys_write"), sym == "do_writev":
			entry = "write"
		case strings.HasPrefix(sym, "ksys_read"), sym == "sock_recvmsg":
			if entry == "" {
				entry = "read"
			}
		case sym == "do_epoll_wait":
			entry = "epoll_wait"
		case sym == "hrtimer_nanosleep":
			entry = "nanosleep (Go's sysmon)"
		case sym == "do_futex":
			entry = "futex (Go thread hand-offs)"
		case strings.HasPrefix(sym, "asm_sysvec"), strings.HasPrefix(sym, "irqentry_exit"), strings.HasPrefix(sym, "exit_to_user_mode"):
			if entry == "" {
				entry = "interrupts, preemption"
			}
		}
		if !strings.HasPrefix(f, "ffffffff") { // first user frame: who called
			break
		}
	}
	if entry == "write" {
		for _, f := range frames {
			switch {
			case strings.Contains(f, "Server).serveConn"):
				return "write to client"
			case strings.Contains(f, "RoundTrip"):
				return "write to backend"
			}
		}
	}
	if entry == "" {
		entry = "other"
	}
	return entry
}

// userBucket is the first seqgate function from the leaf up (the process
// log's writer, package main, counts as one): time in fasthttp or the
// runtime below it counts for it; a stack without one is fasthttp's server
// or Go's scheduler.
func userBucket(frames []string) string {
	for _, f := range frames {
		sym := symbol(f)
		switch {
		case strings.HasPrefix(sym, "main."): // cmd/seqgate: the process log's writer
			return "cmd/seqgate log writer (lineCore)"
		case strings.Contains(sym, "seqgate/seqgate/"):
			return strings.TrimPrefix(sym, "github.com/seqgate/seqgate/")
		}
	}
	return "(fasthttp server, Go runtime)"
}

func symbol(frame string) string {
	if _, sym, ok := strings.Cut(frame, " "); ok {
		return strings.TrimSpace(sym)
	}
	return frame
}

func (s *split) print(w io.Writer, usPerSample float64, top int) {
	sum := func(m map[string]int) (n int) {
		for _, v := range m {
			n += v
		}
		return n
	}
	rows := func(title string, m map[string]int, limit int) {
		fmt.Fprintf(w, "\n%-60s %8.2f µs/req\n", title, float64(sum(m))*usPerSample)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
		for i, k := range keys {
			if i == limit {
				break
			}
			fmt.Fprintf(w, "  %-58s %8.2f\n", k, float64(m[k])*usPerSample)
		}
	}
	fmt.Fprintf(w, "samples: %d, of the gateway: %d; gateway CPU %.1f µs/req\n", s.total, s.ours, float64(s.ours)*usPerSample)
	rows("gateway, kernel", s.kernel, 12)
	rows("gateway, user (first seqgate function on the stack)", s.user, top)
	rows("other processes on the CPU", s.other, 6)
}
