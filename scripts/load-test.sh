#!/usr/bin/env bash
# A bounded wrk load test of `triage serve` on loopback that must end with
# no errors and flat memory.
#
# Starts one server on a fresh SQLite file and runs ROUNDS identical wrk
# rounds of the mixed workload in scripts/load-mix.lua (create, triage,
# idempotent triage, read triage, read evidence: every request should get
# 200 or 201), then GET /healthz. The server's resident memory (VmRSS) is
# sampled every 0.5 s: after start-up, peak and at the end of each round,
# and after 5 s idle at the end. Fails if any response was not 2xx, wrk saw
# a socket error, or the server died.
#
#   scripts/load-test.sh [rounds] [seconds-per-round] [connections]
# TRIAGE_BIN picks the binary (default: the release build if there is
# one, else the debug build, built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-6}
DURATION=${2:-10}
CONNECTIONS=${3:-32}
THREADS=2
PORT=${PORT:-18383}
BIN=${TRIAGE_BIN:-}
if [ -z "$BIN" ]; then
    if [ -x .build/release/triage ]; then BIN=.build/release/triage; else BIN=.build/debug/triage; fi
fi
[ -x "$BIN" ] || swift build --product triage
WORK=$(mktemp -d "${TMPDIR:-/tmp}/triage-load.XXXXXX")
SERVER= SAMPLER=
cleanup() {
    [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/secret"
export TOKEN=$("$BIN" token --role admin --org load --jwt-secret-file "$WORK/secret")
URL="http://127.0.0.1:$PORT"
"$BIN" serve --port "$PORT" --db "$WORK/load.sqlite" --jwt-secret-file "$WORK/secret" \
    --event-quota 100000000 --investigation-quota 100000000 --log-level warning >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "$URL/healthz" >/dev/null || { echo "the server did not start"; cat "$WORK/serve.log"; exit 1; }

rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
( while kill -0 "$SERVER" 2>/dev/null; do rss >>"$WORK/rss" 2>/dev/null || true; sleep 0.5; done ) &
SAMPLER=$!

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $BIN, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s x $ROUNDS, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "RSS after start-up: $(mb "$(rss)") MB"
errors=0
for round in $(seq "$ROUNDS"); do
    : >"$WORK/rss"
    out=$(wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --timeout 10s -s scripts/load-mix.lua "$URL")
    kill -0 "$SERVER" 2>/dev/null || { echo "the server died"; cat "$WORK/serve.log"; exit 1; }
    statuses=$(echo "$out" | sed -n 's/^statuses: //p')
    rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    latency=$(echo "$out" | awk '/Latency/ {print $2 " mean, " $4 " max"}')
    socket=$(echo "$out" | sed -n 's/^ *Socket errors: //p')
    non2xx=$(echo "$out" | sed -n 's/^ *Non-2xx or 3xx responses: //p')
    peak=$(sort -n "$WORK/rss" | tail -1)
    echo "round $round: $rate req/s (latency $latency), statuses: $statuses; RSS peak $(mb "$peak") MB, end $(mb "$(rss)") MB${socket:+; socket errors: $socket}${non2xx:+; non-2xx: $non2xx}"
    [ -z "$socket" ] && [ -z "$non2xx" ] || errors=1
    echo "$statuses" | tr ',' '\n' | awk '{ if ($1 !~ /^20[01]$/) bad = 1 } END { exit bad }' || errors=1
done
sleep 5
echo "RSS after 5 s idle: $(mb "$(rss)") MB"
echo "requests counted by the server: $(curl -s "$URL/metrics" | awk '/^http_requests_total/ { split($0, a, "status=\""); s = substr(a[2], 1, 3); n[s] += $NF } END { for (k in n) printf "%s %d  ", k, n[k] }')"
logged=$(grep -v -e '^JWT secret:' -e '^pack:' -e '^database:' -e '^listening on' "$WORK/serve.log" || true)
[ -n "$logged" ] && { echo "server log:"; echo "$logged" | tail -20; errors=1; }
[ "$errors" = 0 ] && echo "no errors" || { echo "ERRORS"; exit 1; }
