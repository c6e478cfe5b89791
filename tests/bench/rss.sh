#!/usr/bin/env bash
# rss.sh: the memory target of issue 7 — seqgate's RSS stays flat (within
# 10%) over a long run at 256 connections. Serves the mediation scenario
# (ours.sh mediation: API-key auth, throttling, usage events, 4 sequences
# of 5 mediators) in front of the bench backend, drives it with wrk after a
# warm-up, samples VmRSS every SAMPLE seconds and compares the mean of the
# first window (one minute, or a third of a short run) with the mean of the
# last one. The gateway's heap profile at the end is summarised on stderr.
# CPU layout as compare.sh: gateway + backend on SUT_CPU, wrk on LOADGEN_CPU.
# Knobs (env): DURATION=300 WARMUP=10 CONNS=256 SAMPLE=10 SUT_CPU=0 LOADGEN_CPU=1
#   PORT_BASE=19100 GW_LOG=/dev/null (the gateway's log: a usage event per request)
#   SEQGATE_BIN=<binary> (default: built from this checkout) KEEP_WORK=0
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
DURATION=${DURATION:-300}
WARMUP=${WARMUP:-10}
CONNS=${CONNS:-256}
SAMPLE=${SAMPLE:-10}
SUT_CPU=${SUT_CPU:-0}
LOADGEN_CPU=${LOADGEN_CPU:-1}
PORT_BASE=${PORT_BASE:-19100}
GW_LOG=${GW_LOG:-/dev/null}
BACKEND_PORT=$PORT_BASE
export OURS_PORT=$((PORT_BASE + 10)) OURS_ADMIN_PORT=$((PORT_BASE + 11))
WORK=$(mktemp -d /tmp/seqgate-rss.XXXXXX)
export BACKEND_URL="http://127.0.0.1:$BACKEND_PORT" BENCH_WORK=$WORK
URL="http://127.0.0.1:$OURS_PORT/bench/1.0.0/"
KEY='apikey: bench-key'
. "$here/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

main() {
	check_tools
	build_tools "$repo"
	local p
	for p in $BACKEND_PORT $OURS_PORT $OURS_ADMIN_PORT; do port_busy "127.0.0.1:$p" && die "port $p is in use (set PORT_BASE)"; done
	start backend "$WORK/backend" -addr "127.0.0.1:$BACKEND_PORT"
	wait_http "$BACKEND_URL/" 10 || die "backend did not start"
	OUT=$GW_LOG start seqgate "$here/ours.sh" mediation
	local gw=$STARTED_PID
	wait_http "$URL" 20 -H "$KEY" && kill -0 "$gw" 2>/dev/null || die "seqgate did not answer 200 (GW_LOG=<file> to see its log)"
	local ready
	ready=$(rss_kib "$gw")
	log "work dir $WORK; gateway + backend on CPU $SUT_CPU, wrk on CPU $LOADGEN_CPU; ${WARMUP}s warm-up, ${DURATION}s at $CONNS conns, RSS every ${SAMPLE}s"
	log "RSS when ready: $(mib "$ready") MiB"
	taskset -c "$LOADGEN_CPU" wrk -t1 -c"$CONNS" -d"${WARMUP}s" -H "$KEY" "$URL" >/dev/null 2>&1
	taskset -c "$LOADGEN_CPU" wrk -t1 -c"$CONNS" -d"${DURATION}s" -H "$KEY" "$URL" >"$WORK/wrk.out" 2>&1 &
	local wrk=$! t0 t=0 kib
	t0=$(date +%s)
	: >"$WORK/samples"
	echo "| t s | RSS MiB |"
	echo "|---:|---:|"
	while [ "$t" -le "$DURATION" ]; do
		kib=$(rss_kib "$gw")
		[ "$kib" -gt 0 ] || die "seqgate is gone"
		echo "$t $kib" >>"$WORK/samples"
		printf '| %s | %s |\n' "$t" "$(mib "$kib")"
		t=$(( t + SAMPLE ))
		sleep $(( t0 + t - $(date +%s) )) 2>/dev/null || true
	done
	wait "$wrk"
	curl -s -o "$WORK/heap.pb.gz" "http://127.0.0.1:$OURS_ADMIN_PORT/debug/pprof/heap"
	report
}

# report prints the summary table from $WORK/samples and wrk's output.
report() {
	local win rps errs
	win=$(( DURATION / 3 < 60 ? DURATION / 3 : 60 ))
	rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$WORK/wrk.out")
	errs=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$WORK/wrk.out")
	grep -E 'Socket errors|Non-2xx' "$WORK/wrk.out" | sed 's/^ */# wrk: /' >&2
	echo
	awk -v d="$DURATION" -v w="$win" -v rps="${rps:-n/a}" -v errs="$errs" -v c="$CONNS" '
		{ if ($1 <= w) { fs += $2; fn++ } if ($1 >= d - w) { ls += $2; ln++ } if ($2 > mx) mx = $2 }
		END {
			f = fs / fn / 1024; l = ls / ln / 1024; g = (l - f) / f * 100
			print "| target | measured | pass |"
			print "|---|---|---|"
			printf "| RSS flat within 10%% over %d s at %d conns (%s req/s, %d errors) | first %d s %.1f MiB, last %d s %.1f MiB (%+.1f%%), max %.1f MiB | %s |\n",
				d, c, rps, errs, w, f, w, l, g, mx / 1024, (g <= 10 && g >= -10) ? "yes" : "**no**"
		}' "$WORK/samples"
	if [ -s "$WORK/heap.pb.gz" ]; then
		log "heap in use at the end (go tool pprof -top -sample_index=inuse_space):"
		(cd "$repo" && go tool pprof -top -sample_index=inuse_space "$WORK/heap.pb.gz" 2>/dev/null | sed -n '5,16p' | sed 's/^/#   /' >&2)
	fi
}

main "$@"
