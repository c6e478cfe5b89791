#!/usr/bin/env bash
# profile.sh SCENARIO [CONNS] [SECONDS]: where one request's CPU goes, kernel
# included. Serves ours.sh SCENARIO (pass, headers, mediation, json, xml) in front
# of the bench backend with compare.sh's CPU layout (gateway + backend on
# SUT_CPU, wrk on LOADGEN_CPU), records CPU SUT_CPU with
# `perf record -e cpu-clock -g` during a wrk run, and prints perfsplit's
# table: the gateway's kernel time by entry (write to the client, write to
# the backend, reads, Go's sysmon...), its user time by the first seqgate
# function on the stack, and the backend's share, all in µs per request.
# `json` posts tests/bench/json-body.json, `xml` tests/bench/xml-body.xml;
# POST=json or POST=xml posts that body in any scenario (`POST=xml
# profile.sh pass` is xml's baseline), BODY=<file> any file (.xml sent as
# application/xml, else application/json). SCENARIO `floor` profiles
# fastproxy/ (the fasthttp floor) the same way, so seqgate's table can be
# read against it. Needs perf (Debian: linux-perf), wrk, taskset, setsid,
# curl, go. Knobs: SUT_CPU=0 LOADGEN_CPU=1 PORT_BASE=19300
# SEQGATE_BIN=<binary> KEEP_WORK=0 POST=json|xml BODY=<file>.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
scen=${1:?usage: profile.sh SCENARIO [CONNS] [SECONDS]}
CONNS=${2:-64}
SECS=${3:-8}
SUT_CPU=${SUT_CPU:-0}
LOADGEN_CPU=${LOADGEN_CPU:-1}
PORT_BASE=${PORT_BASE:-19300}
BACKEND_PORT=$PORT_BASE
export OURS_PORT=$((PORT_BASE + 10)) OURS_ADMIN_PORT=$((PORT_BASE + 11))
WORK=$(mktemp -d /tmp/seqgate-profile.XXXXXX)
export BACKEND_URL="http://127.0.0.1:$BACKEND_PORT" BENCH_WORK=$WORK
URL="http://127.0.0.1:$OURS_PORT/bench/1.0.0/"
. "$here/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM
command -v perf >/dev/null || die "perf not found (Debian: apt-get install linux-perf)"
command -v wrk >/dev/null || die "wrk not found (../shared/bench/setup-peers.sh)"

(cd "$repo" && go build -o "$WORK/backend" ./tests/bench/backend && go build -o "$WORK/perfsplit" ./tests/bench/perfsplit) || die "build failed"
if [ -z "${SEQGATE_BIN:-}" ] && [ "$scen" != floor ]; then
	(cd "$repo" && go build -o "$WORK/seqgate" ./cmd/seqgate) || die "build failed"
	export SEQGATE_BIN=$WORK/seqgate
fi
wrkargs=(-t1 -c"$CONNS" -H 'apikey: bench-key')
body=${BODY:-}
post=${POST:-}
case $scen in json | xml) post=${POST:-$scen} ;; esac
[ -z "$body" ] && [ -n "$post" ] && body=$here/$post-body.$post
if [ -n "$body" ]; then
	ct=application/json
	case $body in *.xml) ct=application/xml ;; esac
	printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "%s"\nlocal f = assert(io.open("%s", "rb"))\nwrk.body = f:read("*a")\nf:close()\n' "$ct" "$body" >"$WORK/post.lua"
	wrkargs+=(-s "$WORK/post.lua")
fi

start backend "$WORK/backend" -addr "127.0.0.1:$BACKEND_PORT"
if [ "$scen" = floor ]; then
	(cd "$repo" && go build -o "$WORK/fastproxy" ./tests/bench/fastproxy) || die "build failed"
	SEQGATE_BIN=$WORK/fastproxy
	start fastproxy "$WORK/fastproxy" -addr "127.0.0.1:$OURS_PORT" -upstream "$BACKEND_URL"
else
	start seqgate "$here/ours.sh" "$scen"
fi
wait_http "$URL" 10 -H 'apikey: bench-key' || die "$scen did not answer 200 on $URL (log: $WORK/*.log)"
taskset -c "$LOADGEN_CPU" wrk "${wrkargs[@]}" -d2s "$URL" >/dev/null 2>&1
perf record -q -e cpu-clock -F 4000 -C "$SUT_CPU" -g -o "$WORK/perf.data" -- sleep "$SECS" >/dev/null 2>&1 &
perfpid=$!
taskset -c "$LOADGEN_CPU" wrk "${wrkargs[@]}" -d"${SECS}s" "$URL" >"$WORK/wrk.out" 2>&1
wait "$perfpid"
reqs=$(awk '/requests in/ {print $1}' "$WORK/wrk.out")
rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.out")
[ -n "$reqs" ] || die "wrk printed no request count: $(cat "$WORK/wrk.out")"
echo "# $scen${body:+ (POST $(basename "$body"))} at $CONNS connections: $rps req/s, $reqs requests while perf recorded CPU $SUT_CPU for ${SECS}s"
perf script -F comm,ip,sym -i "$WORK/perf.data" 2>/dev/null | "$WORK/perfsplit" -comm "$(basename "$SEQGATE_BIN" | cut -c1-15)" -requests "$reqs" -hz 4000
