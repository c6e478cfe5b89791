# lib.sh: helpers shared by json.sh, xml.sh, rss.sh and profile.sh, sourced, not run. Copied in
# spirit from ../shared/bench/compare.sh (same process handling, same CPU
# accounting, same wrk parsing) so the figures read the same way.
# Expects: WORK (scratch folder), SUT_CPU, LOADGEN_CPU (post_env sets them for json.sh and
# xml.sh). Sets PIDS.

CLK_TCK=$(getconf CLK_TCK)
PIDS=()

log() { echo "# $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# cleanup stops every process group started by start(), then drops WORK
# unless KEEP_WORK=1.
cleanup() {
	local p
	for p in "${PIDS[@]:-}"; do
		[ -n "$p" ] || continue
		kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null
	done
	sleep 0.3
	for p in "${PIDS[@]:-}"; do
		[ -n "$p" ] || continue
		kill -KILL -- "-$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	PIDS=()
	if [ "${KEEP_WORK:-0}" = 1 ]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}

# port_busy HOST:PORT: true when something already listens there.
port_busy() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

# start NAME CMD...: run CMD pinned to $CPU (default SUT_CPU) in its own
# process group, output in $WORK/NAME.log (or $OUT when set); sets STARTED_PID.
start() {
	local name=$1; shift
	setsid taskset -c "${CPU:-$SUT_CPU}" "$@" >"${OUT:-$WORK/$name.log}" 2>&1 &
	STARTED_PID=$!
	PIDS+=("$STARTED_PID")
}

# stop PID: end the process group started by start().
stop() {
	local pid=$1 i p keep=()
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
	PIDS=("${keep[@]:-}")
}

# wait_http URL SECONDS [CURL ARGS...]: wait until URL answers HTTP 200.
wait_http() {
	local url=$1 t=$(( $2 * 10 )) i code; shift 2
	for i in $(seq 1 "$t"); do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$@" "$url" 2>/dev/null)
		[ "$code" = 200 ] && return 0
		sleep 0.1
	done
	return 1
}

# cpu_ticks PID: user+sys clock ticks of PID and its descendants.
cpu_ticks() {
	local p sum=0 line rest f
	for p in $(ps -e -o pid= -o ppid= | awk -v root="$1" '
		{ ppid[$1] = $2 }
		END {
			in_tree[root] = 1; changed = 1
			while (changed) { changed = 0
				for (p in ppid) if (!(p in in_tree) && (ppid[p] in in_tree)) { in_tree[p] = 1; changed = 1 } }
			for (p in in_tree) print p
		}'); do
		line=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		rest=${line##*) }
		read -r -a f <<<"$rest"
		sum=$(( sum + f[11] + f[12] ))
	done
	echo "$sum"
}

# rss_kib PID: VmRSS of PID and its descendants, in KiB.
rss_kib() {
	local p sum=0 v
	for p in $(ps -e -o pid= -o ppid= | awk -v root="$1" '
		{ ppid[$1] = $2 }
		END { in_tree[root] = 1; changed = 1
			while (changed) { changed = 0
				for (p in ppid) if (!(p in in_tree) && (ppid[p] in in_tree)) { in_tree[p] = 1; changed = 1 } }
			for (p in in_tree) print p }'); do
		v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null) || continue
		sum=$(( sum + ${v:-0} ))
	done
	echo "$sum"
}

# to_ms VALUE: wrk latency ("812.00us", "1.34ms", "1.02s") to milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
		else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.1f", v * 60000 }
		else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
		else print "n/a" }'
}

# build_tools REPO: the bench backend, and seqgate unless SEQGATE_BIN names
# a binary already, into $WORK (never into tests/bench/out, which a running
# compare.sh may be using). Exports SEQGATE_BIN for ours.sh.
build_tools() {
	(cd "$1" && go build -o "$WORK/backend" ./tests/bench/backend) || die "building the backend failed"
	if [ -z "${SEQGATE_BIN:-}" ]; then
		(cd "$1" && go build -o "$WORK/seqgate" ./cmd/seqgate) || die "building seqgate failed (or set SEQGATE_BIN)"
		SEQGATE_BIN=$WORK/seqgate
	fi
	export SEQGATE_BIN
}

check_tools() {
	local t
	for t in wrk taskset setsid curl go; do command -v "$t" >/dev/null || die "$t not found"; done
}

# The POST scenarios (json.sh, xml.sh) launch their systems alike: nginx
# with compare.sh's pass config on $NGINX_PORT, and ours.sh SCENARIO on
# $OURS_PORT. Both set SUT_PID and SUT_URL.
launch_nginx() {
	local bin
	bin=$(command -v nginx || true); [ -x "${bin:-}" ] || bin=/usr/sbin/nginx
	[ -x "$bin" ] || { log "skip nginx: not installed"; return 1; }
	mkdir -p "$WORK/nginx/logs"
	# compare.sh's launch_nginx, pass scenario, on our port.
	cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/tmp_body;
    proxy_temp_path $WORK/nginx/tmp_proxy;
    fastcgi_temp_path $WORK/nginx/tmp_fcgi;
    uwsgi_temp_path $WORK/nginx/tmp_uwsgi;
    scgi_temp_path $WORK/nginx/tmp_scgi;
    keepalive_requests 1000000;
    upstream be { server 127.0.0.1:$BACKEND_PORT; keepalive 512; keepalive_requests 1000000; }
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        location / {
            proxy_pass http://be;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
	start nginx "$bin" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
	SUT_PID=$STARTED_PID SUT_URL="http://127.0.0.1:$NGINX_PORT/"
}

launch_ours() {
	start "ours-$1" "$here/ours.sh" "$1"
	SUT_PID=$STARTED_PID SUT_URL="http://127.0.0.1:$OURS_PORT/bench/1.0.0/"
}

# measure SYSTEM CONC URL CHECK (json.sh, xml.sh): one wrk run of the POST
# in $WORK/post.lua, one table row and one CSV line; $REQUEST names the
# request in the row. The first nginx row of a concurrency is the ratio's base.
declare -A NGINX_RPS
measure() {
	local sys=$1 c=$2 url=$3 chk=$4 out t0 t1 rps p50 p99 reqs errs ratio cpu lg
	taskset -c "$LOADGEN_CPU" wrk -t1 -c"$c" -d"${WARMUP}s" -s "$WORK/post.lua" "$url" >/dev/null 2>&1
	t0=$(cpu_ticks "$SUT_PID")
	( taskset -c "$LOADGEN_CPU" wrk -t1 -c"$c" -d"${DURATION}s" --latency -s "$WORK/post.lua" "$url" >"$WORK/wrk.out" 2>&1; times >"$WORK/wrk.times" )
	t1=$(cpu_ticks "$SUT_PID")
	out=$(cat "$WORK/wrk.out")
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	reqs=$(awk '/requests in/ {print $1}' <<<"$out")
	p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
	p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
	errs=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")
	lg=$(awk -v d="$DURATION" 'NR == 2 { s = 0
		for (i = 1; i <= 2; i++) { v = $i; sub(/s$/, "", v); split(v, a, "m"); s += a[1] * 60 + a[2] }
		printf "%.0f", s / d * 100 }' "$WORK/wrk.times")
	[ -n "$rps" ] || { printf '| %s | %s | %s | FAILED (see %s) |\n' "$sys" "$REQUEST" "$c" "$WORK/wrk.out"; KEEP_WORK=1; return; }
	[ "$sys" = nginx ] && NGINX_RPS[$c]=$rps
	if [ -n "${NGINX_RPS[$c]:-}" ]; then ratio=$(awk -v a="$rps" -v b="${NGINX_RPS[$c]}" 'BEGIN {printf "%.2f", a / b}'); else ratio=n/a; fi
	cpu=$(awk -v d=$(( t1 - t0 )) -v hz="$CLK_TCK" -v n="${reqs:-0}" 'BEGIN { if (n > 0) printf "%.1f", d / hz * 1e6 / n; else print "n/a" }')
	printf '| %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n' "$sys" "$REQUEST" "$c" "$rps" "$p50" "$p99" "$errs" "$ratio" "$cpu" "$lg" "$chk"
	printf '%s,%s,%.0f,%s,%s,%s,%s,%s,%s,%s\n' "$sys" "$c" "$rps" "$p50" "$p99" "$errs" "$ratio" "$cpu" "$lg" "$chk" >>"$RESULTS_CSV"
}

# post_bench CONTENT_TYPE: json.sh's and xml.sh's run: build, start the backend,
# then for each of $SYSTEMS launch it (launch_system SYSTEM, defined by the
# script; non-zero skips it), check it (verify SYSTEM URL) and measure a POST
# of $BODY as CONTENT_TYPE at each of $CONNS into $RESULTS_CSV, rows named
# $REQUEST.
post_bench() {
	check_tools
	log "work dir $WORK; proxy + backend on CPU $SUT_CPU, wrk on CPU $LOADGEN_CPU; ${DURATION}s runs after ${WARMUP}s warm-up; conns: $CONNS"
	build_tools "$repo"
	printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "%s"\nlocal f = assert(io.open("%s", "rb"))\nwrk.body = f:read("*a")\nf:close()\n' "$1" "$BODY" >"$WORK/post.lua"
	local p
	for p in $BACKEND_PORT $NGINX_PORT ${FAST_PORT:-} $OURS_PORT $OURS_ADMIN_PORT; do port_busy "127.0.0.1:$p" && die "port $p is in use (set PORT_BASE)"; done
	start backend "$WORK/backend" -addr "127.0.0.1:$BACKEND_PORT"
	wait_http "$BACKEND_URL/" 10 || die "backend did not start"
	echo "system,conc,rps,p50_ms,p99_ms,errors,x_nginx_pass,cpu_us_per_req,lg_cpu_pct,check" >"$RESULTS_CSV"
	echo "| system | request | conc | req/s | p50 ms | p99 ms | errors | x nginx pass | cpu_us/req | lg_cpu% | check |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	local sys c chk
	for sys in $SYSTEMS; do
		SUT_PID="" SUT_URL=""
		launch_system "$sys" || continue
		if ! wait_http "$SUT_URL" 20 || ! kill -0 "$SUT_PID" 2>/dev/null; then
			printf '| %s | - | did not start (log: %s) |\n' "$sys" "$WORK/$sys.log"; KEEP_WORK=1
			stop "$SUT_PID"; continue
		fi
		chk=$(verify "$sys" "$SUT_URL")
		for c in $CONNS; do measure "$sys" "$c" "$SUT_URL" "$chk"; done
		stop "$SUT_PID"
	done
}

# post_env NAME PORT_BASE: json.sh's and xml.sh's knobs (DURATION, WARMUP,
# CONNS, SUT_CPU, LOADGEN_CPU, PORT_BASE, RESULTS_CSV), their ports and
# their work folder /tmp/seqgate-NAME.*.
post_env() {
	DURATION=${DURATION:-10} WARMUP=${WARMUP:-2} CONNS=${CONNS:-"16 64 256"}
	SUT_CPU=${SUT_CPU:-0} LOADGEN_CPU=${LOADGEN_CPU:-1}
	PORT_BASE=${PORT_BASE:-$2}
	BACKEND_PORT=$PORT_BASE NGINX_PORT=$((PORT_BASE + 2)) FAST_PORT=$((PORT_BASE + 3))
	export OURS_PORT=$((PORT_BASE + 10)) OURS_ADMIN_PORT=$((PORT_BASE + 11))
	WORK=$(mktemp -d "/tmp/seqgate-$1.XXXXXX")
	RESULTS_CSV=${RESULTS_CSV:-$WORK/results.csv}
	export BACKEND_URL="http://127.0.0.1:$BACKEND_PORT" BENCH_WORK=$WORK
}
