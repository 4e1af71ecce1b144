#!/usr/bin/env bash
# kill -9 under write load, then a restart: does every incident (and
# triage) the server acknowledged with 201 survive?
#
# Each round starts `triage serve` on a fresh SQLite file, drives concurrent
# creates and triages from scripts/crash_client.py (which records every 201
# before it sends its next request), sends SIGKILL to the server after a
# random 1-3 s of load, starts it again on the same file, and checks every
# acknowledged incident through GET /v1/triage/{id} and in the database
# itself, and every acknowledged triage as completed with the same id.
#
#   scripts/crash-test.sh [rounds] [workers]
# TRIAGE_BIN picks the binary (default: the debug build, built if missing);
# DURABILITY=full runs the server with --durability full.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
WORKERS=${2:-16}
PORT=${PORT:-18282}
BIN=${TRIAGE_BIN:-.build/debug/triage}
[ -x "$BIN" ] || swift build --product triage
WORK=$(mktemp -d "${TMPDIR:-/tmp}/triage-crash.XXXXXX")
SERVER=
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/secret"
TOKEN=$("$BIN" token --role admin --org crash --jwt-secret-file "$WORK/secret")
URL="http://127.0.0.1:$PORT"

serve() {  # db log
    "$BIN" serve --port "$PORT" --db "$1" --jwt-secret-file "$WORK/secret" --durability "${DURABILITY:-normal}" \
        --event-quota 100000000 --investigation-quota 100000000 --log-level warning >>"$2" 2>&1 &
    SERVER=$!
    for _ in $(seq 100); do
        curl -sf "$URL/healthz" >/dev/null && return 0
        kill -0 "$SERVER" 2>/dev/null || break
        sleep 0.1
    done
    echo "the server did not start:" >&2; cat "$2" >&2; exit 1
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $BIN, $WORKERS workers, durability ${DURABILITY:-normal}, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
failed=0
for round in $(seq "$ROUNDS"); do
    dir="$WORK/round$round"
    mkdir -p "$dir"
    serve "$dir/triage.sqlite" "$dir/serve.log"
    python3 scripts/crash_client.py load "$URL" "$TOKEN" "$dir" "$WORKERS" &
    CLIENT=$!
    sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 1 + 2 * r / 32767 }')"
    kill -9 "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    SERVER=
    wait "$CLIENT" || true
    serve "$dir/triage.sqlite" "$dir/serve.log"
    interrupted=$(grep -o 'marked [0-9]* triage(s) failed' "$dir/serve.log" | grep -o '[0-9]*' || echo 0)
    result=$(python3 scripts/crash_client.py check "$URL" "$TOKEN" "$dir" "$dir/triage.sqlite") || failed=1
    echo "round $round: $result; $interrupted running triage(s) failed at restart"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
done
[ "$failed" = 0 ] && echo "every acknowledged write survived" || { echo "ACKNOWLEDGED WRITES WERE LOST"; exit 1; }
