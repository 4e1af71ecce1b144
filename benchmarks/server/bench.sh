#!/usr/bin/env bash
# Requests per second of POST /v1/triage/{id} beside GET /healthz (the app's
# trivial route), interleaved in one run against one release server on
# loopback, with wrk. Per round:
#   1. POST /v1/incidents/chat for 2x the duration, keeping the new ids;
#   2. POST /v1/triage over those fresh ids: every request creates a triage (201);
#   3. POST /v1/triage over 20,000 of the ids step 2 triaged: every request
#      is the idempotent path (200), a different incident each time;
#   4. POST /v1/triage on one triaged incident (200), a fixed request;
# with GET /healthz before step 2 and after steps 2 and 4. Ratios are
# against the mean of the healthz runs of the round. Beside each rate is the
# server's own CPU time per request (user + system, from /proc), which
# other load on the machine disturbs less than the rate.
#
#   benchmarks/server/bench.sh [duration-seconds] [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-10}
ROUNDS=${2:-3}
PORT=${PORT:-18181}
THREADS=2
CONNECTIONS=64
BIN=.build/release/triage
[ -x "$BIN" ] || swift build -c release --product triage
WORK=$(mktemp -d "${TMPDIR:-/tmp}/triage-bench.XXXXXX")
export TRIAGE_JWT_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
"$BIN" serve --port "$PORT" --db "$WORK/bench.sqlite" --event-quota 100000000 --investigation-quota 100000000 \
    --log-level warning 2>"$WORK/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -sf "localhost:$PORT/healthz" >/dev/null && break; sleep 0.1; done
export TOKEN=$("$BIN" token --role admin --org bench)
export THREADS
URL="http://127.0.0.1:$PORT"
WRK="wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s"
S=benchmarks/server

rps() { grep 'Requests/sec' | awk '{print $2}'; }
cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
# Runs wrk, printing its output with "cpu-us-per-request N" appended.
measure() {
    local before after out
    before=$(cpu)
    out=$("$@")
    after=$(cpu)
    echo "$out"
    local n
    n=$(echo "$out" | awk '/requests in/ {print $1}')
    awk -v a="$before" -v b="$after" -v n="$n" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "cpu-us-per-request %.0f\n", (b - a) * 1e6 / hz / n }'
}
us() { awk '/cpu-us-per-request/ {print $2}'; }
counts() { grep responses | sed 's/responses: //'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }

echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $WRK"
for round in $(seq "$ROUNDS"); do
    mkdir -p "$WORK/new$round" "$WORK/done$round"
    out=$(IDS_DIR="$WORK/new$round" measure wrk -t$THREADS -c$CONNECTIONS -d$((DURATION * 2))s -s $S/create_incidents.lua "$URL/v1/incidents/chat")
    echo "round $round  POST /v1/incidents/chat        $(echo "$out" | rps) req/s, $(echo "$out" | us) us cpu/req  ($(echo "$out" | counts))"
    out=$(measure $WRK "$URL/healthz"); h1=$(echo "$out" | rps); hu1=$(echo "$out" | us)
    out=$(IDS="$WORK/new$round/ids-*.txt" TRIAGED_DIR="$WORK/done$round" measure $WRK -s $S/triage.lua "$URL")
    create=$(echo "$out" | rps); create_us=$(echo "$out" | us); create_counts=$(echo "$out" | counts)
    out=$(measure $WRK "$URL/healthz"); h2=$(echo "$out" | rps); hu2=$(echo "$out" | us)
    out=$(IDS="$WORK/done$round/ids-*.txt" LIMIT=20000 measure $WRK -s $S/triage.lua "$URL")
    again=$(echo "$out" | rps); again_us=$(echo "$out" | us); again_counts=$(echo "$out" | counts)
    one_id=$(head -1 "$WORK/done$round/ids-0.txt")
    out=$(measure $WRK -s $S/one.lua "$URL/v1/triage/$one_id")
    one=$(echo "$out" | rps); one_us=$(echo "$out" | us)
    out=$(measure $WRK "$URL/healthz"); h3=$(echo "$out" | rps); hu3=$(echo "$out" | us)
    h=$(awk -v a="$h1" -v b="$h2" -v c="$h3" 'BEGIN { printf "%.0f", (a + b + c) / 3 }')
    echo "round $round  GET /healthz                   $h1 / $h2 / $h3 req/s (mean $h), $hu1 / $hu2 / $hu3 us cpu/req"
    echo "round $round  POST /v1/triage, new incidents $create req/s, $create_us us cpu/req  ($create_counts)  $(ratio "$create" "$h") of healthz"
    echo "round $round  POST /v1/triage, triaged ones  $again req/s, $again_us us cpu/req  ($again_counts)  $(ratio "$again" "$h") of healthz"
    echo "round $round  POST /v1/triage, one incident  $one req/s, $one_us us cpu/req  $(ratio "$one" "$h") of healthz"
done
