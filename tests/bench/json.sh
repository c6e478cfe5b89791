#!/usr/bin/env bash
# json.sh: the JSON rewrite target of issue 7 in one run — seqgate with
# repo-json (payloadFactory, media-type json, 3 json-eval args) on a 1 KiB
# POST body, beside nginx passing the same POST through. compare.sh only
# sends GETs, so this script does the same thing for POSTs: same CPU layout
# (proxy + backend on SUT_CPU, wrk alone on LOADGEN_CPU), same columns.
#   ours-pass  seqgate, no sequences (ours.sh pass): what the rewrite adds
#   ours-json  seqgate rewriting the body (ours.sh json)
# Before measuring, each system gets one request with "X-Echo: 1", which the
# backend answers with the body it received: nginx and ours-pass must pass
# the body unchanged, ours-json must have rewritten it.
# Knobs (env): DURATION=10 WARMUP=2 CONNS="16 64 256" SUT_CPU=0 LOADGEN_CPU=1
#   SYSTEMS="nginx ours-pass ours-json" PORT_BASE=19200 KEEP_WORK=0 RESULTS_CSV=<path>
#   SEQGATE_BIN=<binary> (default: built from this checkout)
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
SYSTEMS=${SYSTEMS:-"nginx ours-pass ours-json"}
. "$here/lib.sh"
post_env json 19200
BODY=$here/json-body.json
# What repo-json's payloadFactory makes of json-body.json.
WANT='{"order":{"id":"ord-20261125-000042","customer":"Ada Lovelace","total":1234.5}}'
trap cleanup EXIT
trap 'exit 130' INT TERM

# verify SYSTEM URL: the pre-flight echo request.
verify() {
	local got want
	got=$(curl -s --max-time 2 -H 'X-Echo: 1' -H 'Content-Type: application/json' --data-binary "@$BODY" "$2")
	if [ "$1" = ours-json ]; then want=$WANT; else want=$(cat "$BODY"); fi
	if [ "$got" = "$want" ]; then echo ok; else log "$1 pre-flight: backend saw ${got:0:200}"; echo "FAIL(body)"; fi
}

REQUEST="POST 1 KiB"

launch_system() {
	case $1 in
		nginx) launch_nginx ;;
		ours-pass) launch_ours pass ;;
		ours-json) launch_ours json ;;
		*) die "unknown system $1" ;;
	esac
}

main() {
	post_bench application/json
	log "CSV: $RESULTS_CSV"
}

main "$@"
