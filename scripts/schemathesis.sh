#!/usr/bin/env bash
# Runs schemathesis against `triage serve` with the server's own
# /openapi.yaml: every documented operation, positive and negative inputs,
# all checks (status codes, content types, response schemas, 405s for
# undocumented methods, auth being required, ...), plus stateful sequences
# that follow the document's links (create an incident, then triage it).
#
#   scripts/schemathesis.sh [max-examples-per-operation] [extra schemathesis args...]
# SCHEMATHESIS (default: `schemathesis` on PATH, else a venv in
# $TMPDIR/triage-schemathesis-venv that this script creates with pip;
# PIP_FIND_LINKS is honoured) and TRIAGE_BIN pick the tools.
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES=${1:-100}
shift || true
PORT=${PORT:-18484}
BIN=${TRIAGE_BIN:-.build/debug/triage}
[ -x "$BIN" ] || swift build --product triage
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ST=${SCHEMATHESIS:-$(command -v schemathesis || true)}
if [ -z "$ST" ]; then
    VENV="${TMPDIR:-/tmp}/triage-schemathesis-venv"
    [ -x "$VENV/bin/schemathesis" ] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q schemathesis; }
    ST="$VENV/bin/schemathesis"
fi
ST=$(command -v "$ST")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/triage-st.XXXXXX")
SERVER=
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/secret"
TOKEN=$("$BIN" token --role admin --org schemathesis --jwt-secret-file "$WORK/secret")
URL="http://127.0.0.1:$PORT"
"$BIN" serve --port "$PORT" --db "$WORK/st.sqlite" --jwt-secret-file "$WORK/secret" \
    --event-quota 100000000 --investigation-quota 100000000 --log-level warning >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $("$ST" --version), $BIN, $EXAMPLES examples per operation"
status=0
# From the temporary directory, so schemathesis's own state (.schemathesis/) stays out of the tree.
BASE=$PWD
cd "$WORK"
"$ST" run "$URL/openapi.yaml" --url "$URL" -H "Authorization: Bearer $TOKEN" \
    --checks all --max-examples "$EXAMPLES" --seed "${SEED:-1}" --no-color \
    --generation-database none --report junit --report-dir "$WORK/report" "$@" || status=$?
cd "$BASE"
kill -0 "$SERVER" 2>/dev/null || { echo "the server died"; status=1; }
logged=$(grep -v -e '^JWT secret:' -e '^pack:' -e '^database:' -e '^listening on' "$WORK/serve.log" || true)
[ -n "$logged" ] && { echo "server log:"; echo "$logged" | tail -20; }
exit "$status"
